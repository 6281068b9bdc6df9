namespace EdgeLLM.Text.Tokenization;

/// <summary>
/// GPT-2's byte-to-character table used by byte-level BPE (Qwen, Llama 3): printable bytes stand for
/// themselves, the other 68 bytes map to U+0100.. in order (space is 'Ġ', newline 'Ċ').
/// </summary>
internal static class ByteLevelAlphabet
{
    private static readonly char[] ByteToCharacter = BuildTable();
    private static readonly Dictionary<char, byte> CharacterToByte = BuildReverse();

    public static char ToCharacter(byte value) => ByteToCharacter[value];

    /// <summary>The byte-level spelling of some UTF-8 bytes.</summary>
    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        return string.Create(bytes.Length, bytes.ToArray(), static (destination, source) =>
        {
            for (int index = 0; index < source.Length; index++)
            {
                destination[index] = ByteToCharacter[source[index]];
            }
        });
    }

    /// <summary>Appends the bytes a byte-level piece spells; false (and nothing appended) if a character is outside the alphabet.</summary>
    public static bool TryDecode(ReadOnlySpan<char> piece, List<byte> output)
    {
        foreach (char character in piece)
        {
            if (!CharacterToByte.ContainsKey(character))
            {
                return false;
            }
        }

        foreach (char character in piece)
        {
            output.Add(CharacterToByte[character]);
        }

        return true;
    }

    private static char[] BuildTable()
    {
        var table = new char[256];
        int next = 256;
        for (int value = 0; value < 256; value++)
        {
            bool printable = value is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            table[value] = printable ? (char)value : (char)next++;
        }

        return table;
    }

    private static Dictionary<char, byte> BuildReverse()
    {
        var reverse = new Dictionary<char, byte>(256);
        for (int value = 0; value < 256; value++)
        {
            reverse[ByteToCharacter[value]] = (byte)value;
        }

        return reverse;
    }
}

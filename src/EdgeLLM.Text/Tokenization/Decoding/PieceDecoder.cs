using System.Text;
using System.Text.Unicode;

namespace EdgeLLM.Text.Tokenization.Decoding;

/// <summary>Decodes a whole list of pieces at once, as Hugging Face's decoder chain does.</summary>
internal static class PieceDecoder
{
    public static string Decode(PieceDecoding decoding, IEnumerable<string> pieces) => decoding.Kind switch
    {
        PieceDecodingKind.ByteLevel => DecodeByteLevel(pieces),
        _ => DecodeSentencePiece(decoding, pieces),
    };

    /// <summary>Appends a byte-level piece's bytes; a piece outside the alphabet (an added token) contributes its UTF-8.</summary>
    public static void AppendByteLevelPiece(string piece, List<byte> bytes)
    {
        if (!ByteLevelAlphabet.TryDecode(piece, bytes))
        {
            bytes.AddRange(Encoding.UTF8.GetBytes(piece));
        }
    }

    /// <summary>A finished run of SentencePiece byte pieces: its text when valid UTF-8, else one U+FFFD per byte.</summary>
    public static string DecodeByteRun(List<byte> bytes)
    {
        ReadOnlySpan<byte> span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes);
        return Utf8.IsValid(span) ? Encoding.UTF8.GetString(span) : new string('\uFFFD', bytes.Count);
    }

    private static string DecodeByteLevel(IEnumerable<string> pieces)
    {
        var bytes = new List<byte>();
        foreach (string piece in pieces)
        {
            AppendByteLevelPiece(piece, bytes);
        }

        return Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes));
    }

    private static string DecodeSentencePiece(PieceDecoding decoding, IEnumerable<string> pieces)
    {
        var text = new StringBuilder();
        var byteRun = new List<byte>();
        foreach (string piece in pieces)
        {
            if (PieceDecoding.TryParseBytePiece(piece, out byte value))
            {
                byteRun.Add(value);
                continue;
            }

            if (byteRun.Count > 0)
            {
                text.Append(DecodeByteRun(byteRun));
                byteRun.Clear();
            }

            text.Append(piece.Replace(PieceDecoding.SentencePieceSpace, ' '));
        }

        if (byteRun.Count > 0)
        {
            text.Append(DecodeByteRun(byteRun));
        }

        int strip = 0;
        while (strip < decoding.LeadingSpacesToStrip && strip < text.Length && text[strip] == ' ')
        {
            strip++;
        }

        return text.ToString(strip, text.Length - strip);
    }
}

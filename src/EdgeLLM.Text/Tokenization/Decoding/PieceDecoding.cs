namespace EdgeLLM.Text.Tokenization.Decoding;

/// <summary>How token pieces turn back into text (tokenizer.json's <c>decoder</c>).</summary>
internal enum PieceDecodingKind
{
    /// <summary><c>ByteLevel</c>: each piece spells bytes in <see cref="ByteLevelAlphabet"/>; the bytes are UTF-8.</summary>
    ByteLevel,

    /// <summary>
    /// SentencePiece style: <c>Replace("▁", " ")</c>, <c>ByteFallback</c> (runs of <c>&lt;0xNN&gt;</c> pieces are UTF-8,
    /// or one U+FFFD per byte when invalid), <c>Fuse</c>, then <c>Strip</c> of leading spaces.
    /// </summary>
    SentencePiece,
}

/// <summary>The decoder of one tokenizer.</summary>
/// <param name="Kind">Byte-level or SentencePiece style.</param>
/// <param name="LeadingSpacesToStrip">SentencePiece style: how many leading spaces <c>Strip</c> removes from the text.</param>
internal sealed record PieceDecoding(PieceDecodingKind Kind, int LeadingSpacesToStrip)
{
    public const char SentencePieceSpace = '\u2581';

    /// <summary>A SentencePiece byte piece <c>&lt;0xNN&gt;</c>.</summary>
    public static bool TryParseBytePiece(string piece, out byte value)
    {
        value = 0;
        return piece.Length == 6 && piece.StartsWith("<0x", StringComparison.Ordinal) && piece[5] == '>'
            && byte.TryParse(piece.AsSpan(3, 2), System.Globalization.NumberStyles.AllowHexSpecifier, null, out value);
    }
}

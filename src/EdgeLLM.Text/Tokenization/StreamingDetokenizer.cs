using System.Text;
using EdgeLLM.Text.Tokenization.Decoding;

namespace EdgeLLM.Text.Tokenization;

/// <summary>
/// Turns generated ids into text one id at a time. Output never splits a UTF-8 character: bytes are held until
/// the character completes (byte-level pieces, and runs of SentencePiece <c>&lt;0xNN&gt;</c> pieces). The
/// concatenation of every <see cref="Append"/> and the final <see cref="Flush"/> equals
/// <see cref="TextTokenizer.Decode"/> of the same ids.
/// </summary>
public sealed class StreamingDetokenizer
{
    private readonly TextTokenizer _tokenizer;
    private readonly bool _skipSpecialTokens;
    private readonly Decoder _utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false).GetDecoder();
    private readonly List<byte> _pendingBytes = [];
    private int _spacesLeftToStrip;
    private bool _emittedText;

    internal StreamingDetokenizer(TextTokenizer tokenizer, bool skipSpecialTokens)
    {
        _tokenizer = tokenizer;
        _skipSpecialTokens = skipSpecialTokens;
        _spacesLeftToStrip = tokenizer.Decoding.LeadingSpacesToStrip;
    }

    /// <summary>Adds one id; returns the text it completes (often empty while a character is incomplete).</summary>
    public string Append(int id)
    {
        string? piece = _tokenizer.PieceForDecoding(id, _skipSpecialTokens);
        if (piece is null)
        {
            return string.Empty;
        }

        if (_tokenizer.Decoding.Kind == PieceDecodingKind.ByteLevel)
        {
            _pendingBytes.Clear();
            PieceDecoder.AppendByteLevelPiece(piece, _pendingBytes);
            return DecodeBytes(flush: false);
        }

        if (PieceDecoding.TryParseBytePiece(piece, out byte value))
        {
            _pendingBytes.Add(value);
            return string.Empty;
        }

        string text = FinishByteRun() + piece.Replace(PieceDecoding.SentencePieceSpace, ' ');
        return StripLeadingSpaces(text);
    }

    /// <summary>Ends the stream: held bytes that never completed a character come out as U+FFFD.</summary>
    public string Flush()
    {
        if (_tokenizer.Decoding.Kind == PieceDecodingKind.ByteLevel)
        {
            _pendingBytes.Clear();
            return DecodeBytes(flush: true);
        }

        return StripLeadingSpaces(FinishByteRun());
    }

    private string DecodeBytes(bool flush)
    {
        ReadOnlySpan<byte> bytes = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_pendingBytes);
        Span<char> characters = new char[_utf8.GetCharCount(bytes, flush: false) + 4];
        int written = _utf8.GetChars(bytes, characters, flush);
        return new string(characters[..written]);
    }

    private string FinishByteRun()
    {
        if (_pendingBytes.Count == 0)
        {
            return string.Empty;
        }

        string text = PieceDecoder.DecodeByteRun(_pendingBytes);
        _pendingBytes.Clear();
        return text;
    }

    private string StripLeadingSpaces(string text)
    {
        if (_emittedText || text.Length == 0)
        {
            return text;
        }

        int strip = 0;
        while (_spacesLeftToStrip > 0 && strip < text.Length && text[strip] == ' ')
        {
            strip++;
            _spacesLeftToStrip--;
        }

        string rest = text[strip..];
        _emittedText = rest.Length > 0;
        return rest;
    }
}

using System.Text;
using EdgeLLM.Format;
using EdgeLLM.Text.Tokenization.Decoding;
using Microsoft.ML.Tokenizers;

namespace EdgeLLM.Text.Tokenization;

/// <summary>
/// A Hugging Face tokenizer (tokenizer.json + tokenizer_config.json) on top of Microsoft.ML.Tokenizers'
/// <see cref="BpeTokenizer"/>: added tokens split first, then the normalizer, the pre-tokenizer and BPE per
/// piece, then the post-processor's special tokens. Built by <see cref="TokenizerLoader"/>.
/// </summary>
public sealed class TextTokenizer
{
    private readonly BpeTokenizer _model;
    private readonly Normalizer? _normalizer;
    private readonly PreTokenizer? _preTokenizer;
    private readonly AddedTokenSplitter _splitter;
    private readonly Dictionary<string, int> _vocabulary;
    private readonly string?[] _pieces;
    private readonly Dictionary<int, AddedToken> _addedById;
    private readonly Dictionary<string, AddedToken> _addedByContent;
    private readonly PostProcessorTemplate _template;
    private readonly TokenizerModelOptions _options;

    internal TextTokenizer(
        BpeTokenizer model,
        Dictionary<string, int> vocabulary,
        IReadOnlyList<AddedToken> addedTokens,
        Normalizer? normalizer,
        PreTokenizer? preTokenizer,
        TokenizerModelOptions options,
        PostProcessorTemplate template,
        PieceDecoding decoding,
        TokenizerConfig config)
    {
        _model = model;
        _vocabulary = vocabulary;
        _normalizer = normalizer;
        _preTokenizer = preTokenizer;
        _options = options;
        _template = template;
        Decoding = decoding;
        AddedTokens = addedTokens;
        _splitter = new AddedTokenSplitter(addedTokens);
        _addedById = addedTokens.ToDictionary(token => token.Id);
        _addedByContent = addedTokens.GroupBy(token => token.Content).ToDictionary(group => group.Key, group => group.First());

        int size = Math.Max(vocabulary.Count == 0 ? 0 : vocabulary.Values.Max() + 1, addedTokens.Count == 0 ? 0 : addedTokens.Max(token => token.Id) + 1);
        _pieces = new string?[size];
        foreach ((string piece, int id) in vocabulary)
        {
            _pieces[id] = piece;
        }

        foreach (AddedToken token in addedTokens)
        {
            _pieces[token.Id] = token.Content;
        }

        ChatTemplate = config.ChatTemplate;
        BeginningOfSequenceToken = config.BeginningOfSequenceToken;
        EndOfSequenceToken = config.EndOfSequenceToken;
        BeginningOfSequenceId = BeginningOfSequenceToken is null ? null : TokenToId(BeginningOfSequenceToken);
        EndOfSequenceId = EndOfSequenceToken is null ? null : TokenToId(EndOfSequenceToken);
    }

    /// <summary>One more than the largest id (model vocabulary and added tokens together).</summary>
    public int VocabularySize => _pieces.Length;

    /// <summary>The added tokens (special and not), in file order.</summary>
    public IReadOnlyList<AddedToken> AddedTokens { get; }

    /// <summary>tokenizer_config.json's <c>bos_token</c>, or null.</summary>
    public string? BeginningOfSequenceToken { get; }

    public int? BeginningOfSequenceId { get; }

    /// <summary>tokenizer_config.json's <c>eos_token</c>, or null.</summary>
    public string? EndOfSequenceToken { get; }

    public int? EndOfSequenceId { get; }

    /// <summary>tokenizer_config.json's <c>chat_template</c> (Jinja source), or null.</summary>
    public string? ChatTemplate { get; }

    /// <summary>The ids <c>Encode(text, addSpecialTokens: true)</c> puts before the text (e.g. BOS).</summary>
    public IReadOnlyList<int> SpecialPrefixIds => [.. _template.Prefix.Select(token => token.Id)];

    internal PieceDecoding Decoding { get; }

    /// <summary>The Microsoft.ML.Tokenizers BPE model that does the merges.</summary>
    internal BpeTokenizer Model => _model;

    /// <summary>Encodes text; special-token text inside it always becomes that token, as in Hugging Face.</summary>
    /// <param name="text">The text.</param>
    /// <param name="addSpecialTokens">Apply the post-processor (e.g. prepend BOS).</param>
    public EncodedText Encode(string text, bool addSpecialTokens)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>();
        var tokens = new List<string>();
        if (addSpecialTokens)
        {
            AddTokens(_template.Prefix, ids, tokens);
        }

        foreach (AddedTokenSplitter.Segment segment in _splitter.Split(text))
        {
            if (segment.Token is { } added)
            {
                ids.Add(added.Id);
                tokens.Add(added.Content);
                continue;
            }

            EncodeOrdinaryText(text.AsSpan(segment.Offset, segment.Length), ids, tokens);
        }

        if (addSpecialTokens)
        {
            AddTokens(_template.Suffix, ids, tokens);
        }

        return new EncodedText(ids, tokens);
    }

    /// <summary>Decodes ids to text (ids outside the vocabulary are dropped, as Hugging Face does).</summary>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var pieces = new List<string>();
        foreach (int id in ids)
        {
            if (PieceForDecoding(id, skipSpecialTokens) is { } piece)
            {
                pieces.Add(piece);
            }
        }

        return PieceDecoder.Decode(Decoding, pieces);
    }

    /// <summary>A decoder for generated ids, fed one id at a time.</summary>
    public StreamingDetokenizer CreateStreamingDetokenizer(bool skipSpecialTokens = false) => new(this, skipSpecialTokens);

    /// <summary>The piece of an id (vocabulary spelling or added-token text), or null outside the vocabulary.</summary>
    public string? IdToToken(int id) => (uint)id < (uint)_pieces.Length ? _pieces[id] : null;

    /// <summary>The id of a piece or added-token text, or null.</summary>
    public int? TokenToId(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (_addedByContent.TryGetValue(token, out AddedToken? added))
        {
            return added.Id;
        }

        return _vocabulary.TryGetValue(token, out int id) ? id : null;
    }

    /// <summary>Whether an id is a special added token (dropped by <c>skipSpecialTokens</c>).</summary>
    public bool IsSpecial(int id) => _addedById.TryGetValue(id, out AddedToken? token) && token.IsSpecial;

    internal string? PieceForDecoding(int id, bool skipSpecialTokens)
    {
        if (skipSpecialTokens && IsSpecial(id))
        {
            return null;
        }

        return IdToToken(id);
    }

    private static void AddTokens(IReadOnlyList<AddedToken> added, List<int> ids, List<string> tokens)
    {
        foreach (AddedToken token in added)
        {
            ids.Add(token.Id);
            tokens.Add(token.Content);
        }
    }

    private void EncodeOrdinaryText(ReadOnlySpan<char> segment, List<int> ids, List<string> tokens)
    {
        string normalized = _normalizer is null ? segment.ToString() : _normalizer.Normalize(segment);
        if (_preTokenizer is null)
        {
            EncodeWord(normalized, ids, tokens);
            return;
        }

        foreach ((int offset, int length) in _preTokenizer.PreTokenize(normalized))
        {
            EncodeWord(normalized.Substring(offset, length), ids, tokens);
        }
    }

    private void EncodeWord(string word, List<int> ids, List<string> tokens)
    {
        if (word.Length == 0)
        {
            return;
        }

        string piece = _options.ByteLevel ? ByteLevelAlphabet.Encode(Encoding.UTF8.GetBytes(word)) : word;
        if (_options.IgnoreMerges && _vocabulary.TryGetValue(piece, out int wholeId))
        {
            ids.Add(wholeId);
            tokens.Add(piece);
            return;
        }

        if (_options.ByteFallback)
        {
            EncodeWithByteFallback(piece, ids, tokens);
            return;
        }

        RunModel(piece, ids, tokens);
    }

    /// <summary>
    /// Byte fallback (SentencePiece BPE): a character missing from the vocabulary becomes its UTF-8 bytes as
    /// <c>&lt;0xNN&gt;</c> pieces. Merges never involve those pieces, so the known runs between them go to BPE alone.
    /// </summary>
    private void EncodeWithByteFallback(string piece, List<int> ids, List<string> tokens)
    {
        int runStart = 0;
        int position = 0;
        Span<byte> utf8 = stackalloc byte[4];
        while (position < piece.Length)
        {
            Rune.DecodeFromUtf16(piece.AsSpan(position), out Rune rune, out int length);
            if (_vocabulary.ContainsKey(piece.Substring(position, length)))
            {
                position += length;
                continue;
            }

            if (position > runStart)
            {
                RunModel(piece[runStart..position], ids, tokens);
            }

            int byteCount = rune.EncodeToUtf8(utf8);
            foreach (byte value in utf8[..byteCount])
            {
                string bytePiece = $"<0x{value:X2}>";
                ids.Add(_vocabulary.TryGetValue(bytePiece, out int byteId) ? byteId : UnknownId(bytePiece));
                tokens.Add(_vocabulary.ContainsKey(bytePiece) ? bytePiece : _options.UnknownToken!);
            }

            position += length;
            runStart = position;
        }

        if (position > runStart)
        {
            RunModel(piece[runStart..position], ids, tokens);
        }
    }

    private int UnknownId(string piece)
        => _options.UnknownToken is { } unknown && _vocabulary.TryGetValue(unknown, out int id)
            ? id
            : throw new EdgeLlmException($"tokenizer: byte piece '{piece}' is not in the vocabulary and there is no unknown token");

    private void RunModel(string piece, List<int> ids, List<string> tokens)
    {
        foreach (EncodedToken token in _model.EncodeToTokens(piece, out _, considerPreTokenization: false, considerNormalization: false))
        {
            ids.Add(token.Id);
            tokens.Add(token.Value);
        }
    }
}

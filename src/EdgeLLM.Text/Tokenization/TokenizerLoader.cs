using System.Text.Json;
using EdgeLLM.Format.Files;
using EdgeLLM.Format;
using EdgeLLM.Text.Tokenization.Decoding;
using EdgeLLM.Text.Tokenization.Normalization;
using EdgeLLM.Text.Tokenization.PreTokenization;
using Microsoft.ML.Tokenizers;

namespace EdgeLLM.Text.Tokenization;

/// <summary>
/// Builds a <see cref="TextTokenizer"/> from a Hugging Face tokenizer folder (tokenizer.json, and
/// tokenizer_config.json for BOS/EOS and the chat template). Supported: BPE models with a byte-level
/// pre-tokenizer (Qwen2/Qwen3, Llama 3) or SentencePiece-style normalizer and byte fallback (Llama 2 style);
/// anything else is a <see cref="EdgeLlmException"/> naming the file and the part.
/// </summary>
public static class TokenizerLoader
{
    public const string TokenizerFileName = "tokenizer.json";
    public const string ConfigFileName = "tokenizer_config.json";

    /// <summary>Loads the tokenizer in <paramref name="folder"/> (or the folder of a tokenizer.json path).</summary>
    public static TextTokenizer Load(string folder)
        => MessageText.InOneLine(() => LoadUnchecked(folder));

    private static TextTokenizer LoadUnchecked(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (File.Exists(folder) && Path.GetFileName(folder) == TokenizerFileName)
        {
            folder = Path.GetDirectoryName(Path.GetFullPath(folder))!;
        }

        string path = Path.Combine(folder, TokenizerFileName);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"{folder}: folder not found");
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: not found (a tokenizer folder holds {TokenizerFileName} and {ConfigFileName})", path);
        }

        TokenizerConfig config = TokenizerConfig.Read(Path.Combine(folder, ConfigFileName));
        try
        {
            using TokenizerJsonFile file = TokenizerJsonFile.Read(path, File.ReadAllBytes(path));
            return Build(file, config);
        }
        catch (JsonException exception)
        {
            throw new EdgeLlmException($"{path}: not valid JSON ({exception.Message})", exception);
        }
        catch (Exception exception) when (exception is InvalidOperationException or FormatException or ArgumentException or KeyNotFoundException or IndexOutOfRangeException)
        {
            // A value of the wrong JSON kind or range somewhere the loader reads it directly: still one line naming the file.
            throw new EdgeLlmException($"{path}: {exception.Message.ReplaceLineEndings(" ")}", exception);
        }
    }

    private static TextTokenizer Build(TokenizerJsonFile file, TokenizerConfig config)
    {
        string path = file.Path;
        // Ids index the model's vocabulary (logits rows): an added token lies just past the BPE pieces. The bound
        // is generous (gaps exist) but finite: an id of 2^31 - 1 would size the piece table at 16 GB.
        JsonElement addedList = Part(file.Root, "added_tokens");
        int addedCount = addedList.ValueKind == JsonValueKind.Array ? addedList.GetArrayLength() : 0;
        int maxId = (int)Math.Min(int.MaxValue - 1, (2L * (file.Vocabulary.Count + addedCount)) + 65_536);
        List<AddedToken> addedTokens = ReadAddedTokens(path, addedList, maxId);
        foreach ((string piece, int id) in file.Vocabulary)
        {
            if (id > maxId)
            {
                throw new EdgeLlmException($"{path}: model.vocab entry '{Shown(piece)}' has id {id}, expected an integer in [0, {maxId + 1})");
            }
        }

        Normalizer? normalizer = ReadNormalizer(path, Part(file.Root, "normalizer"));
        (PreTokenizer? preTokenizer, bool byteLevel) = ReadPreTokenizer(path, Part(file.Root, "pre_tokenizer"));
        string? unknownToken = OptionalString(file.Model, "unk_token");
        var options = new TokenizerModelOptions(
            byteLevel,
            IgnoreMerges: OptionalBoolean(file.Model, "ignore_merges"),
            ByteFallback: OptionalBoolean(file.Model, "byte_fallback"),
            unknownToken);

        var bpeOptions = new BpeOptions(file.Vocabulary)
        {
            Merges = file.Merges,
            SpecialTokens = addedTokens.GroupBy(token => token.Content).ToDictionary(group => group.Key, group => group.First().Id),
            Normalizer = normalizer,
            PreTokenizer = preTokenizer,
            UnknownToken = unknownToken,
            FuseUnknownTokens = OptionalBoolean(file.Model, "fuse_unk"),
            ContinuingSubwordPrefix = NullIfEmpty(OptionalString(file.Model, "continuing_subword_prefix")),
            EndOfWordSuffix = NullIfEmpty(OptionalString(file.Model, "end_of_word_suffix")),
        };
        BpeTokenizer bpe = BpeTokenizer.Create(bpeOptions);

        Dictionary<string, AddedToken> addedByContent = addedTokens.GroupBy(token => token.Content).ToDictionary(group => group.Key, group => group.First());
        PostProcessorTemplate template = ReadTemplate(path, Part(file.Root, "post_processor"), addedByContent, file.Vocabulary, config);
        PieceDecoding decoding = ReadDecoder(path, Part(file.Root, "decoder"));
        return new TextTokenizer(bpe, file.Vocabulary, addedTokens, normalizer, preTokenizer, options, template, decoding, config);
    }

    /// <summary>A value as shown in a one-line message: at most 60 characters, control characters escaped.</summary>
    private static string Shown(string text)
    {
        string shortened = text.Length > 60 ? text[..60] + "..." : text;
        return string.Concat(shortened.Select(character => char.IsControl(character) ? $"\\u{(int)character:x4}" : character.ToString()));
    }

    private static JsonElement Part(Dictionary<string, JsonElement> parts, string name)
        => parts.TryGetValue(name, out JsonElement value) ? value : default;

    private static List<AddedToken> ReadAddedTokens(string path, JsonElement list, int maxId)
    {
        var tokens = new List<AddedToken>();
        if (list.ValueKind != JsonValueKind.Array)
        {
            return tokens;
        }

        foreach (JsonElement entry in list.EnumerateArray())
        {
            JsonElement idElement = Required(path, entry, "id");
            string content = Required(path, entry, "content") is { ValueKind: JsonValueKind.String } text
                ? text.GetString()!
                : throw new EdgeLlmException($"{path}: added_tokens[{tokens.Count}].content is not a string");
            if (idElement.ValueKind != JsonValueKind.Number || !idElement.TryGetInt32(out int id) || id < 0 || id > maxId)
            {
                throw new EdgeLlmException($"{path}: added token '{Shown(content)}' has id {Shown(idElement.GetRawText())}, expected an integer in [0, {maxId + 1})");
            }

            if (OptionalBoolean(entry, "single_word"))
            {
                throw new EdgeLlmException($"{path}: added token '{content}' uses single_word, which is not supported");
            }

            tokens.Add(new AddedToken(id, content, OptionalBoolean(entry, "special"), OptionalBoolean(entry, "lstrip"), OptionalBoolean(entry, "rstrip")));
        }

        return tokens;
    }

    private static Normalizer? ReadNormalizer(string path, JsonElement element)
    {
        if (element.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return null;
        }

        string type = TypeOf(path, element, "normalizer");
        switch (type)
        {
            case "NFC":
                return NfcNormalizer.Instance;
            case "Prepend":
                return new PrependNormalizer(Required(path, element, "prepend").GetString()!);
            case "Replace":
                return new ReplaceNormalizer(LiteralPattern(path, element, "normalizer"), Required(path, element, "content").GetString()!);
            case "Sequence":
                return new SequenceNormalizer([.. Required(path, element, "normalizers").EnumerateArray().Select(step => ReadNormalizer(path, step)!)]);
            default:
                throw new EdgeLlmException($"{path}: normalizer '{type}' is not supported");
        }
    }

    private static (PreTokenizer? PreTokenizer, bool ByteLevel) ReadPreTokenizer(string path, JsonElement element)
    {
        if (element.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return (null, false);
        }

        List<JsonElement> steps = TypeOf(path, element, "pre_tokenizer") == "Sequence"
            ? [.. Required(path, element, "pretokenizers").EnumerateArray()]
            : [element];

        PreTokenizer? split = null;
        bool byteLevel = false;
        foreach (JsonElement step in steps)
        {
            string type = TypeOf(path, step, "pre_tokenizer");
            if (type == "ByteLevel" && !OptionalBoolean(step, "use_regex") && !OptionalBoolean(step, "add_prefix_space"))
            {
                byteLevel = true;
                continue;
            }

            if (type == "Split" && split is null && !byteLevel
                && OptionalString(step, "behavior") == "Isolated" && !OptionalBoolean(step, "invert")
                && Required(path, step, "pattern").TryGetProperty("Regex", out JsonElement regex)
                && Cl100kSplitPreTokenizer.ForPattern(regex.GetString() ?? "") is { } scanner)
            {
                split = scanner;
                continue;
            }

            throw new EdgeLlmException($"{path}: pre_tokenizer step '{type}' ({step.GetRawText()[..Math.Min(120, step.GetRawText().Length)]}) is not supported");
        }

        return (split, byteLevel);
    }

    private static PostProcessorTemplate ReadTemplate(
        string path, JsonElement element, Dictionary<string, AddedToken> addedByContent, Dictionary<string, int> vocabulary, TokenizerConfig config)
    {
        JsonElement? template = FindTemplateProcessing(path, element);
        if (template is null)
        {
            return FromConfig(config, addedByContent, vocabulary);
        }

        var prefix = new List<AddedToken>();
        var suffix = new List<AddedToken>();
        bool sequenceSeen = false;
        JsonElement special = Required(path, template.Value, "special_tokens");
        foreach (JsonElement item in Required(path, template.Value, "single").EnumerateArray())
        {
            if (item.TryGetProperty("Sequence", out _))
            {
                sequenceSeen = true;
                continue;
            }

            string name = Required(path, Required(path, item, "SpecialToken"), "id").GetString()!;
            JsonElement entry = Required(path, special, name);
            JsonElement ids = Required(path, entry, "ids");
            JsonElement tokens = Required(path, entry, "tokens");
            for (int index = 0; index < ids.GetArrayLength(); index++)
            {
                if (ids[index].ValueKind != JsonValueKind.Number || !ids[index].TryGetInt32(out int id) || id < 0 || id >= vocabulary.Count + addedByContent.Count + 65_536)
                {
                    throw new EdgeLlmException($"{path}: post_processor special token '{Shown(name)}' has id {Shown(ids[index].GetRawText())}, expected an id of the vocabulary");
                }

                string token = index < tokens.GetArrayLength() && tokens[index].ValueKind == JsonValueKind.String
                    ? tokens[index].GetString()!
                    : throw new EdgeLlmException($"{path}: post_processor special token '{Shown(name)}' has no token string for id {id}");
                (sequenceSeen ? suffix : prefix).Add(new AddedToken(id, token, IsSpecial: true, false, false));
            }
        }

        return new PostProcessorTemplate(prefix, suffix);
    }

    private static JsonElement? FindTemplateProcessing(string path, JsonElement element)
    {
        if (element.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return null;
        }

        string type = TypeOf(path, element, "post_processor");
        switch (type)
        {
            case "TemplateProcessing":
                return element;
            case "ByteLevel":
                return null;
            case "Sequence":
                foreach (JsonElement step in Required(path, element, "processors").EnumerateArray())
                {
                    if (FindTemplateProcessing(path, step) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            default:
                throw new EdgeLlmException($"{path}: post_processor '{type}' is not supported");
        }
    }

    /// <summary>Without a TemplateProcessing, tokenizer_config.json's add_bos_token/add_eos_token decide.</summary>
    private static PostProcessorTemplate FromConfig(TokenizerConfig config, Dictionary<string, AddedToken> addedByContent, Dictionary<string, int> vocabulary)
    {
        AddedToken? Lookup(string? content) => content is null ? null
            : addedByContent.TryGetValue(content, out AddedToken? added) ? added
            : vocabulary.TryGetValue(content, out int id) ? new AddedToken(id, content, true, false, false) : null;

        List<AddedToken> prefix = config.AddBeginningOfSequence == true && Lookup(config.BeginningOfSequenceToken) is { } bos ? [bos] : [];
        List<AddedToken> suffix = config.AddEndOfSequence == true && Lookup(config.EndOfSequenceToken) is { } eos ? [eos] : [];
        return prefix.Count == 0 && suffix.Count == 0 ? PostProcessorTemplate.None : new PostProcessorTemplate(prefix, suffix);
    }

    private static PieceDecoding ReadDecoder(string path, JsonElement element)
    {
        if (element.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            throw new EdgeLlmException($"{path}: a tokenizer without a decoder is not supported");
        }

        string type = TypeOf(path, element, "decoder");
        if (type == "ByteLevel")
        {
            return new PieceDecoding(PieceDecodingKind.ByteLevel, 0);
        }

        // Llama 2 style: Replace("▁", " "), ByteFallback, Fuse, Strip(" ", start, 0).
        if (type == "Sequence")
        {
            JsonElement[] steps = [.. Required(path, element, "decoders").EnumerateArray()];
            string[] types = [.. steps.Select(step => TypeOf(path, step, "decoder"))];
            if (types.Length == 4 && types[0] == "Replace" && types[1] == "ByteFallback" && types[2] == "Fuse" && types[3] == "Strip"
                && LiteralPattern(path, steps[0], "decoder") == PieceDecoding.SentencePieceSpace.ToString()
                && Required(path, steps[0], "content").GetString() == " "
                && Required(path, steps[3], "content").GetString() == " "
                && Required(path, steps[3], "stop").GetInt32() == 0)
            {
                return new PieceDecoding(PieceDecodingKind.SentencePiece, Required(path, steps[3], "start").GetInt32());
            }
        }

        throw new EdgeLlmException($"{path}: decoder {element.GetRawText()[..Math.Min(160, element.GetRawText().Length)]} is not supported");
    }

    private static string LiteralPattern(string path, JsonElement element, string part)
    {
        JsonElement pattern = Required(path, element, "pattern");
        return pattern.TryGetProperty("String", out JsonElement literal)
            ? literal.GetString()!
            : throw new EdgeLlmException($"{path}: {part} Replace with a regex pattern is not supported");
    }

    private static string TypeOf(string path, JsonElement element, string part)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty("type", out JsonElement type) && type.GetString() is { } name
            ? name
            : throw new EdgeLlmException($"{path}: {part} has no type");

    private static JsonElement Required(string path, JsonElement element, string name)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value)
            ? value
            : throw new EdgeLlmException($"{path}: '{name}' is missing");

    private static string? OptionalString(JsonElement element, string name)
        => element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? OptionalString(Dictionary<string, JsonElement> parts, string name)
        => parts.TryGetValue(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool OptionalBoolean(JsonElement element, string name)
        => element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.True;

    private static bool OptionalBoolean(Dictionary<string, JsonElement> parts, string name)
        => parts.TryGetValue(name, out JsonElement value) && value.ValueKind == JsonValueKind.True;

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}

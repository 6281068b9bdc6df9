using System.Text.Json;
using EdgeLLM.Format.Files;
using EdgeLLM.Format;
using EdgeLLM.Text.Tokenization;
using EdgeLLM.Text.Tokenization.PreTokenization;

namespace EdgeLLM.Quantize.Gguf;

/// <summary>
/// The <c>tokenizer.*</c> metadata of a GGUF file, derived from a checkpoint folder's <c>tokenizer.json</c>,
/// <c>tokenizer_config.json</c> and <c>config.json</c> the way llama.cpp's <c>convert_hf_to_gguf.py</c> does
/// for GPT-2-style BPE tokenizers (<c>_set_vocab_gpt2</c> and gguf-py's <c>SpecialVocab</c>): every id up to
/// the config's vocab_size as a token (missing ids as <c>[PADn]</c>, UNUSED), token types NORMAL / CONTROL
/// (special, or looks like <c>&lt;|…|&gt;</c> / <c>&lt;｜…｜&gt;</c>) / USER_DEFINED, merges as "a b", special ids
/// from tokenizer_config.json then config.json, add_bos/add_sep/add_eos from the post-processor and
/// tokenizer_config.json, and the chat template.
/// </summary>
public static class GgufTokenizerMetadata
{
    private const int Normal = 1;
    private const int Control = 3;
    private const int UserDefined = 4;
    private const int Unused = 5;

    private static IReadOnlyList<string> SpecialTypes => TokenizerConfig.SpecialTokenKinds;

    private static readonly Dictionary<string, string> IdKeys = new(StringComparer.Ordinal)
    {
        ["bos"] = "tokenizer.ggml.bos_token_id",
        ["eos"] = "tokenizer.ggml.eos_token_id",
        ["unk"] = "tokenizer.ggml.unknown_token_id",
        ["sep"] = "tokenizer.ggml.seperator_token_id", // sic: gguf-py's spelling
        ["pad"] = "tokenizer.ggml.padding_token_id",
        ["cls"] = "tokenizer.ggml.cls_token_id",
        ["mask"] = "tokenizer.ggml.mask_token_id",
    };

    /// <summary>Adds the tokenizer metadata of <paramref name="folder"/> for a model of <paramref name="vocabSize"/> ids.</summary>
    public static void Add(GgufMetadata metadata, string folder, int vocabSize)
    {
        string tokenizerPath = Path.Combine(folder, TokenizerLoader.TokenizerFileName);
        if (!File.Exists(tokenizerPath))
        {
            throw new FileNotFoundException($"{folder}: no tokenizer.json (a GGUF file carries the vocabulary; llama.cpp cannot run without it)", tokenizerPath);
        }

        using JsonDocument tokenizer = JsonFile.Parse(tokenizerPath);
        string tokenizerConfigPath = Path.Combine(folder, TokenizerLoader.ConfigFileName);
        TokenizerConfig? tokenizerConfig = File.Exists(tokenizerConfigPath) ? TokenizerConfig.Read(tokenizerConfigPath) : null;
        using JsonDocument? modelConfig = OptionalDocument(Path.Combine(folder, "config.json"));
        JsonElement root = tokenizer.RootElement;
        JsonElement model = Property(root, "model", tokenizerPath);
        if (String(model, "type") != "BPE")
        {
            throw new EdgeLlmException($"{tokenizerPath}: tokenizer model '{String(model, "type")}' is not supported (only byte-level BPE, as Llama 3, Qwen2 and Qwen3 use)");
        }

        var addedTokens = new List<(int Id, string Content, bool Special)>();
        if (root.TryGetProperty("added_tokens", out JsonElement added) && added.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement token in added.EnumerateArray())
            {
                addedTokens.Add((token.GetProperty("id").GetInt32(), token.GetProperty("content").GetString()!, token.TryGetProperty("special", out JsonElement special) && special.GetBoolean()));
            }
        }

        (string[] tokens, int[] types) = Tokens(Property(model, "vocab", tokenizerPath), addedTokens, vocabSize, tokenizerPath);
        metadata.AddString("tokenizer.ggml.model", "gpt2");
        metadata.AddString("tokenizer.ggml.pre", PreTokenizerName(root, tokenizerPath));
        metadata.AddStringArray("tokenizer.ggml.tokens", tokens);
        metadata.AddInt32Array("tokenizer.ggml.token_type", types);
        metadata.AddStringArray("tokenizer.ggml.merges", Merges(Property(model, "merges", tokenizerPath), tokenizerPath));
        AddSpecialTokens(metadata, root, tokenizerConfig, modelConfig?.RootElement, addedTokens, vocabSize);
    }

    /// <summary>
    /// The converter names the pre-tokenizer by hashing the ids of a probe text; those hashes identify
    /// these families: Llama 3's regex is "llama-bpe"; Qwen's is "qwen2", or "deepseek-r1-qwen" when the
    /// post-processor prepends a BOS token (DeepSeek-R1-Distill-Qwen's tokenizer, whose ids then differ).
    /// </summary>
    private static string PreTokenizerName(JsonElement root, string path)
    {
        string? regex = null;
        if (root.TryGetProperty("pre_tokenizer", out JsonElement pre) && pre.ValueKind == JsonValueKind.Object)
        {
            IEnumerable<JsonElement> parts = pre.TryGetProperty("pretokenizers", out JsonElement list) ? list.EnumerateArray() : [pre];
            regex = parts.Where(part => String(part, "type") == "Split" && part.TryGetProperty("pattern", out _))
                .Select(part => part.GetProperty("pattern").TryGetProperty("Regex", out JsonElement pattern) ? pattern.GetString() : null)
                .FirstOrDefault();
        }

        return regex switch
        {
            SplitPatterns.Llama3 => "llama-bpe",
            SplitPatterns.Qwen => LeadingTemplateToken(root) is not null ? "deepseek-r1-qwen" : "qwen2",
            _ => throw new EdgeLlmException($"{path}: pre-tokenizer not recognized (supported: Llama 3, Qwen2/Qwen3, DeepSeek-R1-Distill-Qwen)"),
        };
    }

    private static (string[] Tokens, int[] Types) Tokens(JsonElement vocab, List<(int Id, string Content, bool Special)> addedTokens, int vocabSize, string path)
    {
        var tokens = new string?[vocabSize];
        var types = new int[vocabSize];
        foreach (JsonProperty entry in vocab.EnumerateObject())
        {
            int id = entry.Value.GetInt32();
            if (id < 0 || id >= vocabSize)
            {
                throw new EdgeLlmException($"{path}: token '{entry.Name}' has id {id}, outside the model's vocab_size {vocabSize}");
            }

            tokens[id] = entry.Name;
            types[id] = Normal;
        }

        foreach ((int id, string content, bool special) in addedTokens)
        {
            if (id < 0 || id >= vocabSize)
            {
                throw new EdgeLlmException($"{path}: added token '{content}' has id {id}, outside the model's vocab_size {vocabSize}");
            }

            bool control = special || LooksSpecial(content);
            tokens[id] = control ? content : content.Replace('\u2581', ' ');
            types[id] = control ? Control : UserDefined;
        }

        for (int id = 0; id < vocabSize; id++)
        {
            if (tokens[id] is null)
            {
                tokens[id] = $"[PAD{id}]";
                types[id] = Unused;
            }
        }

        return (Array.ConvertAll(tokens, token => token!), types);
    }

    // convert_hf_to_gguf.py's does_token_look_special.
    private static bool LooksSpecial(string token)
        => token is "<pad>" or "<mask>" or "<2mass>" or "[@BOS@]"
            || (token.StartsWith("<|", StringComparison.Ordinal) && token.EndsWith("|>", StringComparison.Ordinal))
            || (token.StartsWith("<｜", StringComparison.Ordinal) && token.EndsWith("｜>", StringComparison.Ordinal))
            || (token.StartsWith("<unused", StringComparison.Ordinal) && token.EndsWith('>'));

    private static List<string> Merges(JsonElement merges, string path)
    {
        var result = new List<string>(merges.GetArrayLength());
        foreach (JsonElement merge in merges.EnumerateArray())
        {
            result.Add(merge.ValueKind switch
            {
                JsonValueKind.String => merge.GetString()!,
                // Pairs (transformers ≥ 4.45) become "a b" with spaces inside a part written as U+0120, as gguf-py does.
                JsonValueKind.Array when merge.GetArrayLength() == 2 => $"{EncodeSpaces(merge[0].GetString()!)} {EncodeSpaces(merge[1].GetString()!)}",
                _ => throw new EdgeLlmException($"{path}: unknown merges format"),
            });
        }

        return result;
    }

    private static string EncodeSpaces(string part) => part.Replace(' ', '\u0120');

    private static void AddSpecialTokens(GgufMetadata metadata, JsonElement tokenizer, TokenizerConfig? tokenizerConfig, JsonElement? modelConfig, List<(int Id, string Content, bool Special)> addedTokens, int vocabSize)
    {
        var contents = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (string type in SpecialTypes)
        {
            contents[type] = tokenizerConfig?.SpecialToken(type);
        }

        contents["bos"] ??= contents["cls"];
        contents["eos"] ??= contents["sep"];
        var add = new List<(string Type, bool Value)>();
        foreach (JsonElement processor in PostProcessors(tokenizer))
        {
            if (String(processor, "type") == "TemplateProcessing")
            {
                AddTemplateFlags(processor, contents, add, tokenizerConfig is not null);
            }
        }

        var ids = new List<(string Type, int Id)>();
        if (tokenizerConfig is { } tokenizerSettings)
        {
            foreach (string type in SpecialTypes)
            {
                if (tokenizerSettings.AddsSpecialToken(type) is { } flag)
                {
                    SetFlag(add, type, flag);
                }

                if (tokenizerSettings.SpecialToken(type) is { } content
                    && addedTokens.FirstOrDefault(token => token.Content == content) is { Content: not null } match)
                {
                    SetId(ids, type, match.Id, vocabSize);
                }
            }
        }

        if (modelConfig is { } configRoot)
        {
            foreach (string type in SpecialTypes)
            {
                if (configRoot.TryGetProperty($"{type}_token_id", out JsonElement id) && id.ValueKind == JsonValueKind.Number && id.TryGetInt32(out int value))
                {
                    SetId(ids, type, value, vocabSize);
                }
            }
        }

        foreach ((string type, int id) in ids)
        {
            metadata.AddUInt32(IdKeys[type], (uint)id);
        }

        foreach ((string type, bool value) in add)
        {
            metadata.AddBool($"tokenizer.ggml.add_{type}_token", value);
        }

        if (tokenizerConfig?.ChatTemplate is { } template)
        {
            metadata.AddString("tokenizer.chat_template", template);
        }
    }

    // gguf-py's crude TemplateProcessing parse: a leading special token means add_bos, a trailing one add_eos,
    // and the pair template's middle decides add_sep.
    private static void AddTemplateFlags(JsonElement processor, Dictionary<string, string?> contents, List<(string Type, bool Value)> add, bool hasTokenizerConfig)
    {
        JsonElement[] single = processor.TryGetProperty("single", out JsonElement singleElement) ? [.. singleElement.EnumerateArray()] : [];
        JsonElement[] pair = processor.TryGetProperty("pair", out JsonElement pairElement) ? [.. pairElement.EnumerateArray()] : [];
        string? first = null;
        string? last = null;
        if (single.Length > 1)
        {
            if ((first = SpecialTokenId(single[0])) is not null)
            {
                if (!hasTokenizerConfig)
                {
                    contents["bos"] = first;
                }

                SetFlag(add, "bos", first == contents["bos"] || first == contents["cls"]);
            }

            if ((last = SpecialTokenId(single[^1])) is not null)
            {
                if (!hasTokenizerConfig)
                {
                    contents["eos"] = last;
                }
                else if (last != contents["eos"])
                {
                    throw new EdgeLlmException($"tokenizer.json: trailing special token '{last}' differs from eos_token '{contents["eos"]}'");
                }

                SetFlag(add, "eos", true);
            }
        }

        if (pair.Length == 0)
        {
            return;
        }

        int start = first is not null && SpecialTokenId(pair[0]) == first ? 1 : 0;
        int stop = last is not null && SpecialTokenId(pair[^1]) == last ? pair.Length - 1 : pair.Length;
        JsonElement[] sequence = pair[start..Math.Max(start, stop)];
        if (sequence.Length < 3 || SequenceId(sequence[0]) != "A" || SequenceId(sequence[^1]) != "B")
        {
            return;
        }

        JsonElement[] middle = sequence[1..^1];
        bool addSeparator = false;
        string? separator = contents["sep"];
        string? end = contents["eos"];
        if (SpecialTokenId(middle[0]) is { } entry && (entry == separator || entry == end) && last is null)
        {
            addSeparator = true;
        }

        if (middle.Length == 2 && SpecialTokenId(middle[1]) is { } second && (second == separator || second == end))
        {
            addSeparator = true;
        }

        SetFlag(add, "sep", addSeparator);
    }

    private static IEnumerable<JsonElement> PostProcessors(JsonElement tokenizer)
    {
        if (!tokenizer.TryGetProperty("post_processor", out JsonElement processor) || processor.ValueKind != JsonValueKind.Object)
        {
            return [];
        }

        return processor.TryGetProperty("processors", out JsonElement list) && list.ValueKind == JsonValueKind.Array ? list.EnumerateArray().ToArray() : [processor];
    }

    /// <summary>The special token a TemplateProcessing post-processor puts first in a single sequence, or null.</summary>
    private static string? LeadingTemplateToken(JsonElement tokenizer)
        => PostProcessors(tokenizer)
            .Where(processor => String(processor, "type") == "TemplateProcessing" && processor.TryGetProperty("single", out JsonElement single) && single.GetArrayLength() > 1)
            .Select(processor => SpecialTokenId(processor.GetProperty("single")[0]))
            .FirstOrDefault(id => id is not null);

    private static string? SpecialTokenId(JsonElement piece)
        => piece.TryGetProperty("SpecialToken", out JsonElement special) ? String(special, "id") : null;

    private static string? SequenceId(JsonElement piece)
        => piece.TryGetProperty("Sequence", out JsonElement sequence) ? String(sequence, "id") : null;

    private static void SetFlag(List<(string Type, bool Value)> flags, string type, bool value)
    {
        int index = flags.FindIndex(flag => flag.Type == type);
        if (index >= 0)
        {
            flags[index] = (type, value);
        }
        else
        {
            flags.Add((type, value));
        }
    }

    // The first id set for a type wins (tokenizer_config.json before config.json); ids outside the vocabulary are skipped.
    private static void SetId(List<(string Type, int Id)> ids, string type, int id, int vocabSize)
    {
        if (id >= 0 && id < vocabSize && !ids.Exists(entry => entry.Type == type))
        {
            ids.Add((type, id));
        }
    }

    private static string? String(JsonElement element, string name)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static JsonElement Property(JsonElement element, string name, string path)
        => element.TryGetProperty(name, out JsonElement value) ? value : throw new EdgeLlmException($"{path}: missing '{name}'");

    private static JsonDocument? OptionalDocument(string path) => File.Exists(path) ? JsonFile.Parse(path) : null;
}

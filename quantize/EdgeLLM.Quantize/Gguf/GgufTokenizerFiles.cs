using System.Text.Json;
using EdgeLLM.Format;
using EdgeLLM.Text.Tokenization;
using EdgeLLM.Text.Tokenization.PreTokenization;

namespace EdgeLLM.Quantize.Gguf;

/// <summary>
/// A GGUF file's <c>tokenizer.ggml.*</c> metadata rebuilt into Hugging Face <c>tokenizer.json</c> and
/// <c>tokenizer_config.json</c> (the reverse of <see cref="GgufTokenizerMetadata"/>): gpt2-style byte-level
/// BPE only; NORMAL tokens form the vocabulary, CONTROL tokens become special added tokens, USER_DEFINED
/// ones plain added tokens, UNUSED padding ids are left out; the pre-tokenizer name picks the regex,
/// normalizer and merge rules of its family (an unknown name is refused); BOS is prepended by a
/// TemplateProcessing post-processor when add_bos_token says so; the chat template is kept.
/// </summary>
public static class GgufTokenizerFiles
{
    public const string TokenizerFileName = TokenizerLoader.TokenizerFileName;
    public const string ConfigFileName = TokenizerLoader.ConfigFileName;

    private const int Normal = 1;
    private const int Control = 3;
    private const int UserDefined = 4;
    private const int Unused = 5;

    /// <summary>The tokenizer families llama.cpp's pre-tokenizer names stand for.</summary>
    private enum Family
    {
        Llama3,
        Qwen2,
    }

    /// <summary>(file name, content) of tokenizer.json and tokenizer_config.json.</summary>
    public static IReadOnlyList<(string Name, byte[] Content)> Build(MappedGgufFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        string model = Required(file, "tokenizer.ggml.model").AsString();
        if (model != "gpt2")
        {
            throw new EdgeLlmException($"{file.Path}: tokenizer.ggml.model '{model}' is not supported (only gpt2-style byte-level BPE)");
        }

        string pre = file.Find("tokenizer.ggml.pre")?.AsString() ?? "default";
        Family family = pre switch
        {
            "llama-bpe" or "llama3" or "llama-v3" => Family.Llama3,
            "qwen2" or "deepseek-r1-qwen" => Family.Qwen2,
            _ => throw new EdgeLlmException($"{file.Path}: tokenizer.ggml.pre '{pre}' is not a pre-tokenizer EdgeLLM knows (supported: llama-bpe, qwen2, deepseek-r1-qwen)"),
        };

        string[] tokens = Required(file, "tokenizer.ggml.tokens").AsStrings();
        int[] types = file.Find("tokenizer.ggml.token_type")?.AsInt32s() ?? Enumerable.Repeat(Normal, tokens.Length).ToArray();
        if (types.Length != tokens.Length)
        {
            throw new EdgeLlmException($"{file.Path}: tokenizer.ggml.token_type has {types.Length} entries for {tokens.Length} tokens");
        }

        string[] merges = Required(file, "tokenizer.ggml.merges").AsStrings();
        foreach (string merge in merges)
        {
            int space = merge.IndexOf(' ', StringComparison.Ordinal);
            if (space <= 0 || space == merge.Length - 1 || merge.IndexOf(' ', space + 1) >= 0)
            {
                throw new EdgeLlmException($"{file.Path}: tokenizer.ggml.merges entry '{merge}' is not two tokens separated by one space");
            }
        }

        int? bos = Id(file, "tokenizer.ggml.bos_token_id", tokens.Length);
        int? eos = Id(file, "tokenizer.ggml.eos_token_id", tokens.Length);
        int? pad = Id(file, "tokenizer.ggml.padding_token_id", tokens.Length);
        bool addBos = file.Find("tokenizer.ggml.add_bos_token")?.AsBool() ?? (family == Family.Llama3 || pre == "deepseek-r1-qwen");
        bool addEos = file.Find("tokenizer.ggml.add_eos_token")?.AsBool() ?? false;
        if (addBos && bos is null)
        {
            throw new EdgeLlmException($"{file.Path}: tokenizer.ggml.add_bos_token is set but there is no tokenizer.ggml.bos_token_id");
        }

        string? template = file.Find("tokenizer.chat_template")?.AsString();
        int context = file.Find($"{file.Find("general.architecture")?.AsString()}.context_length") is { } length ? length.AsInt32() : 0;
        return
        [
            (TokenizerFileName, Write(json => WriteTokenizer(json, family, tokens, types, merges, addBos ? bos : null))),
            (ConfigFileName, Write(json => WriteConfig(json, tokens, bos, eos, pad, addBos, addEos, template, context))),
        ];
    }

    private static void WriteTokenizer(Utf8JsonWriter json, Family family, string[] tokens, int[] types, string[] merges, int? prependedBos)
    {
        bool llama = family == Family.Llama3;
        json.WriteStartObject();
        json.WriteString("version", "1.0");
        json.WriteNull("truncation");
        json.WriteNull("padding");
        json.WriteStartArray("added_tokens");
        for (int id = 0; id < tokens.Length; id++)
        {
            if (types[id] is Control or UserDefined)
            {
                json.WriteStartObject();
                json.WriteNumber("id", id);
                json.WriteString("content", tokens[id]);
                json.WriteBoolean("single_word", false);
                json.WriteBoolean("lstrip", false);
                json.WriteBoolean("rstrip", false);
                json.WriteBoolean("normalized", false);
                json.WriteBoolean("special", types[id] == Control);
                json.WriteEndObject();
            }
        }

        json.WriteEndArray();
        if (llama)
        {
            json.WriteNull("normalizer");
        }
        else
        {
            json.WriteStartObject("normalizer");
            json.WriteString("type", "NFC");
            json.WriteEndObject();
        }

        json.WriteStartObject("pre_tokenizer");
        json.WriteString("type", "Sequence");
        json.WriteStartArray("pretokenizers");
        json.WriteStartObject();
        json.WriteString("type", "Split");
        json.WriteStartObject("pattern");
        json.WriteString("Regex", llama ? SplitPatterns.Llama3 : SplitPatterns.Qwen);
        json.WriteEndObject();
        json.WriteString("behavior", "Isolated");
        json.WriteBoolean("invert", false);
        json.WriteEndObject();
        WriteByteLevel(json, null, addPrefixSpace: false, trimOffsets: llama, useRegex: false);
        json.WriteEndArray();
        json.WriteEndObject();

        if (prependedBos is { } bos)
        {
            json.WriteStartObject("post_processor");
            WriteTemplate(json, tokens[bos], bos);
            json.WriteEndObject();
        }
        else
        {
            WriteByteLevel(json, "post_processor", addPrefixSpace: false, trimOffsets: false, useRegex: false);
        }

        WriteByteLevel(json, "decoder", addPrefixSpace: llama, trimOffsets: llama, useRegex: llama);
        json.WriteStartObject("model");
        json.WriteString("type", "BPE");
        json.WriteNull("dropout");
        json.WriteNull("unk_token");
        json.WriteString("continuing_subword_prefix", string.Empty);
        json.WriteString("end_of_word_suffix", string.Empty);
        json.WriteBoolean("fuse_unk", false);
        json.WriteBoolean("byte_fallback", false);
        json.WriteBoolean("ignore_merges", llama);
        json.WriteStartObject("vocab");
        for (int id = 0; id < tokens.Length; id++)
        {
            if (types[id] is not (Control or UserDefined or Unused))
            {
                json.WriteNumber(tokens[id], id);
            }
        }

        json.WriteEndObject();
        json.WriteStartArray("merges");
        foreach (string merge in merges)
        {
            json.WriteStringValue(merge);
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteTemplate(Utf8JsonWriter json, string bosText, int bos)
    {
        json.WriteString("type", "TemplateProcessing");
        foreach ((string name, string[] sequences) in new[] { ("single", new[] { "A" }), ("pair", new[] { "A", "B" }) })
        {
            json.WriteStartArray(name);
            for (int i = 0; i < sequences.Length; i++)
            {
                json.WriteStartObject();
                json.WriteStartObject("SpecialToken");
                json.WriteString("id", bosText);
                json.WriteNumber("type_id", i);
                json.WriteEndObject();
                json.WriteEndObject();
                json.WriteStartObject();
                json.WriteStartObject("Sequence");
                json.WriteString("id", sequences[i]);
                json.WriteNumber("type_id", i);
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        json.WriteStartObject("special_tokens");
        json.WriteStartObject(bosText);
        json.WriteString("id", bosText);
        json.WriteStartArray("ids");
        json.WriteNumberValue(bos);
        json.WriteEndArray();
        json.WriteStartArray("tokens");
        json.WriteStringValue(bosText);
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteByteLevel(Utf8JsonWriter json, string? property, bool addPrefixSpace, bool trimOffsets, bool useRegex)
    {
        if (property is null)
        {
            json.WriteStartObject();
        }
        else
        {
            json.WriteStartObject(property);
        }

        json.WriteString("type", "ByteLevel");
        json.WriteBoolean("add_prefix_space", addPrefixSpace);
        json.WriteBoolean("trim_offsets", trimOffsets);
        json.WriteBoolean("use_regex", useRegex);
        json.WriteEndObject();
    }

    private static void WriteConfig(Utf8JsonWriter json, string[] tokens, int? bos, int? eos, int? pad, bool addBos, bool addEos, string? template, int context)
    {
        json.WriteStartObject();
        json.WriteBoolean("add_bos_token", addBos);
        json.WriteBoolean("add_eos_token", addEos);
        WriteToken(json, "bos_token", bos, tokens);
        WriteToken(json, "eos_token", eos, tokens);
        WriteToken(json, "pad_token", pad, tokens);
        json.WriteNull("unk_token");
        json.WriteBoolean("clean_up_tokenization_spaces", false);
        if (context > 0)
        {
            json.WriteNumber("model_max_length", context);
        }

        json.WriteString("tokenizer_class", "PreTrainedTokenizerFast");
        if (template is not null)
        {
            json.WriteString("chat_template", template);
        }

        json.WriteEndObject();
    }

    private static void WriteToken(Utf8JsonWriter json, string name, int? id, string[] tokens)
    {
        if (id is { } value)
        {
            json.WriteString(name, tokens[value]);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static byte[] Write(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            write(json);
        }

        return stream.ToArray();
    }

    private static int? Id(MappedGgufFile file, string key, int count)
    {
        if (file.Find(key) is not { } value)
        {
            return null;
        }

        int id = value.AsInt32();
        return id >= 0 && id < count ? id : throw new EdgeLlmException($"{file.Path}: {key} {id} is outside the {count} tokens");
    }

    private static GgufValue Required(MappedGgufFile file, string key)
        => file.Find(key) ?? throw new EdgeLlmException($"{file.Path}: missing metadata key '{key}'");
}

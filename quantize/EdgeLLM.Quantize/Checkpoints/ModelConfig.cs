using System.Globalization;
using System.Text.Json;

namespace EdgeLLM.Quantize.Checkpoints;

/// <summary>
/// The parts of a Hugging Face <c>config.json</c> (and <c>generation_config.json</c>) that define the
/// decoder graph. Parsed with <see cref="JsonDocument"/> (no reflection, AOT-safe).
/// </summary>
public sealed record ModelConfig
{
    /// <summary>The <c>model_type</c> values EdgeLLM converts.</summary>
    public static IReadOnlyList<string> SupportedModelTypes { get; } = ["llama", "qwen2", "qwen3"];

    public required ModelArchitecture Architecture { get; init; }

    /// <summary>The config's <c>model_type</c> as written ("llama", "qwen2", "qwen3").</summary>
    public required string ModelType { get; init; }

    public required int HiddenSize { get; init; }

    public required int IntermediateSize { get; init; }

    public required int LayerCount { get; init; }

    public required int HeadCount { get; init; }

    public required int KvHeadCount { get; init; }

    /// <summary><c>head_dim</c> when given (Qwen3: 128 with hidden 1024/16 heads), else hidden / heads.</summary>
    public required int HeadDim { get; init; }

    public required int VocabSize { get; init; }

    public required int MaxPositionEmbeddings { get; init; }

    public required double RmsNormEps { get; init; }

    public required double RopeTheta { get; init; }

    /// <summary>Llama 3 RoPE scaling, or null when the model has none.</summary>
    public RopeScaling? RopeScaling { get; init; }

    public required bool TieWordEmbeddings { get; init; }

    /// <summary>True when q/k/v projections carry biases (always for Qwen2; <c>attention_bias</c> otherwise).</summary>
    public required bool HasQkvBias { get; init; }

    /// <summary>True for Qwen3: RMS norms over each head of q and k before RoPE.</summary>
    public bool HasQkNorm => Architecture == ModelArchitecture.Qwen3;

    public int? BosTokenId { get; init; }

    /// <summary>Every end-of-sequence id (config's int or list; generation_config.json wins when present).</summary>
    public required IReadOnlyList<int> EosTokenIds { get; init; }

    public int? PadTokenId { get; init; }

    /// <summary>The checkpoint's <c>torch_dtype</c> ("bfloat16", "float16", "float32"), or null.</summary>
    public string? TorchDtype { get; init; }

    /// <summary>Sampling defaults from generation_config.json (null where absent).</summary>
    public GenerationDefaults Generation { get; init; } = GenerationDefaults.None;

    /// <summary>Reads <c>config.json</c> and, if present, <c>generation_config.json</c> from a folder.</summary>
    public static ModelConfig Load(string folder)
    {
        string configPath = Path.Combine(folder, "config.json");
        if (!File.Exists(configPath))
        {
            throw new FileNotFoundException($"no config.json in '{folder}': not a Hugging Face checkpoint folder", configPath);
        }

        string? generationJson = null;
        string generationPath = Path.Combine(folder, "generation_config.json");
        if (File.Exists(generationPath))
        {
            generationJson = File.ReadAllText(generationPath);
        }

        return Parse(File.ReadAllText(configPath), generationJson, configPath);
    }

    /// <summary>Parses config.json text, with generation_config.json text overriding eos/bos and supplying sampling defaults.</summary>
    public static ModelConfig Parse(string configJson, string? generationConfigJson = null, string source = "config.json")
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(configJson, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"{source}: not valid JSON ({exception.Message})");
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{source}: expected a JSON object");
            }

            string modelType = root.TryGetProperty("model_type", out JsonElement typeElement) && typeElement.ValueKind == JsonValueKind.String
                ? typeElement.GetString()!
                : throw new InvalidDataException($"{source}: missing 'model_type' (supported: {string.Join(", ", SupportedModelTypes)})");

            ModelArchitecture architecture = modelType switch
            {
                "llama" => ModelArchitecture.Llama,
                "qwen2" => ModelArchitecture.Qwen2,
                "qwen3" => ModelArchitecture.Qwen3,
                _ => throw new NotSupportedException($"{source}: model_type '{modelType}' is not supported (supported: {string.Join(", ", SupportedModelTypes)})"),
            };

            int hiddenSize = RequiredInt(root, "hidden_size", source);
            int headCount = RequiredInt(root, "num_attention_heads", source);
            int headDim = OptionalInt(root, "head_dim", source) ?? (hiddenSize % headCount == 0
                ? hiddenSize / headCount
                : throw new InvalidDataException($"{source}: hidden_size {hiddenSize} is not a multiple of num_attention_heads {headCount} and no head_dim is given"));
            int kvHeadCount = OptionalInt(root, "num_key_value_heads", source) ?? headCount;
            if (kvHeadCount <= 0 || headCount % kvHeadCount != 0)
            {
                throw new InvalidDataException($"{source}: num_attention_heads {headCount} is not a multiple of num_key_value_heads {kvHeadCount}");
            }

            string? activation = OptionalString(root, "hidden_act");
            if (activation is not null && activation != "silu")
            {
                throw new NotSupportedException($"{source}: hidden_act '{activation}' is not supported (only silu)");
            }

            IReadOnlyList<int> eos = ReadIds(root, "eos_token_id", source);
            int? bos = OptionalInt(root, "bos_token_id", source);
            int? pad = OptionalInt(root, "pad_token_id", source);
            GenerationDefaults generation = GenerationDefaults.None;
            if (generationConfigJson is not null)
            {
                (eos, bos, pad, generation) = ApplyGenerationConfig(generationConfigJson, eos, bos, pad, source);
            }

            return new ModelConfig
            {
                Architecture = architecture,
                ModelType = modelType,
                HiddenSize = hiddenSize,
                IntermediateSize = RequiredInt(root, "intermediate_size", source),
                LayerCount = RequiredInt(root, "num_hidden_layers", source),
                HeadCount = headCount,
                KvHeadCount = kvHeadCount,
                HeadDim = headDim,
                VocabSize = RequiredInt(root, "vocab_size", source),
                MaxPositionEmbeddings = OptionalInt(root, "max_position_embeddings", source) ?? 4096,
                RmsNormEps = OptionalDouble(root, "rms_norm_eps", source) ?? 1e-6,
                RopeTheta = OptionalDouble(root, "rope_theta", source) ?? 10000.0,
                RopeScaling = ReadRopeScaling(root, source),
                TieWordEmbeddings = OptionalBool(root, "tie_word_embeddings") ?? false,
                HasQkvBias = architecture == ModelArchitecture.Qwen2 || (OptionalBool(root, "attention_bias") ?? false),
                BosTokenId = bos,
                EosTokenIds = eos,
                PadTokenId = pad,
                TorchDtype = OptionalString(root, "torch_dtype"),
                Generation = generation,
            };
        }
    }

    /// <summary>The sampling defaults of a generation_config.json's text (<paramref name="path"/> names it in errors).</summary>
    internal static GenerationDefaults ReadGenerationDefaults(string json, string path)
        => ApplyGenerationConfig(json, [], null, null, path).Generation;

    private static (IReadOnlyList<int> Eos, int? Bos, int? Pad, GenerationDefaults Generation) ApplyGenerationConfig(
        string json, IReadOnlyList<int> eos, int? bos, int? pad, string source)
    {
        string generationSource = Path.Combine(Path.GetDirectoryName(source) ?? string.Empty, "generation_config.json");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"{generationSource}: not valid JSON ({exception.Message})");
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.TryGetProperty("eos_token_id", out _))
            {
                IReadOnlyList<int> generationEos = ReadIds(root, "eos_token_id", generationSource);
                if (generationEos.Count > 0)
                {
                    eos = generationEos;
                }
            }

            bos = OptionalInt(root, "bos_token_id", generationSource) ?? bos;
            pad = OptionalInt(root, "pad_token_id", generationSource) ?? pad;
            var generation = new GenerationDefaults
            {
                DoSample = OptionalBool(root, "do_sample"),
                Temperature = OptionalDouble(root, "temperature", generationSource),
                TopP = OptionalDouble(root, "top_p", generationSource),
                TopK = OptionalInt(root, "top_k", generationSource),
                MinP = OptionalDouble(root, "min_p", generationSource),
                RepetitionPenalty = OptionalDouble(root, "repetition_penalty", generationSource),
            };
            return (eos, bos, pad, generation);
        }
    }

    private static RopeScaling? ReadRopeScaling(JsonElement root, string source)
    {
        if (!root.TryGetProperty("rope_scaling", out JsonElement scaling) || scaling.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (scaling.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{source}: rope_scaling must be an object or null");
        }

        string? type = OptionalString(scaling, "rope_type") ?? OptionalString(scaling, "type");
        return type switch
        {
            "llama3" => new RopeScaling(
                OptionalDouble(scaling, "factor", source) ?? throw new InvalidDataException($"{source}: rope_scaling llama3 needs 'factor'"),
                OptionalDouble(scaling, "low_freq_factor", source) ?? 1.0,
                OptionalDouble(scaling, "high_freq_factor", source) ?? 4.0,
                OptionalInt(scaling, "original_max_position_embeddings", source) ?? 8192),
            "default" or null => null,
            _ => throw new NotSupportedException($"{source}: rope_scaling type '{type}' is not supported (supported: llama3)"),
        };
    }

    private static IReadOnlyList<int> ReadIds(JsonElement root, string name, string source)
    {
        if (!root.TryGetProperty(name, out JsonElement element) || element.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (element.ValueKind == JsonValueKind.Number)
        {
            return [ToInt(element, name, source)];
        }

        if (element.ValueKind == JsonValueKind.Array)
        {
            var ids = new List<int>();
            foreach (JsonElement item in element.EnumerateArray())
            {
                ids.Add(ToInt(item, name, source));
            }

            return ids;
        }

        throw new InvalidDataException($"{source}: '{name}' must be an integer or a list of integers");
    }

    private static int RequiredInt(JsonElement root, string name, string source)
        => OptionalInt(root, name, source) ?? throw new InvalidDataException($"{source}: missing '{name}'");

    private static int? OptionalInt(JsonElement root, string name, string source)
    {
        if (!root.TryGetProperty(name, out JsonElement element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        int value = ToInt(element, name, source);
        return value;
    }

    private static int ToInt(JsonElement element, string name, string source)
    {
        if (element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out int value))
        {
            return value;
        }

        if (element.ValueKind == JsonValueKind.Number && element.TryGetDouble(out double real) && real == Math.Floor(real) && Math.Abs(real) <= int.MaxValue)
        {
            return (int)real;
        }

        throw new InvalidDataException($"{source}: '{name}' must be an integer, got {element.GetRawText()}");
    }

    private static double? OptionalDouble(JsonElement root, string name, string source)
    {
        if (!root.TryGetProperty(name, out JsonElement element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind == JsonValueKind.Number)
        {
            return element.GetDouble();
        }

        if (element.ValueKind == JsonValueKind.String && double.TryParse(element.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed))
        {
            return parsed;
        }

        throw new InvalidDataException($"{source}: '{name}' must be a number, got {element.GetRawText()}");
    }

    private static bool? OptionalBool(JsonElement root, string name)
        => root.TryGetProperty(name, out JsonElement element) && element.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? element.GetBoolean()
            : null;

    private static string? OptionalString(JsonElement root, string name)
        => root.TryGetProperty(name, out JsonElement element) && element.ValueKind == JsonValueKind.String ? element.GetString() : null;
}

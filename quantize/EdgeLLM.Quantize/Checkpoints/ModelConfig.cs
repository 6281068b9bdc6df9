using System.Text.Json;
using EdgeLLM.Format.Files;
using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Format;

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

    /// <summary>YaRN RoPE scaling (R1-0528-Qwen3-8B), or null when the model has none.</summary>
    public YarnRopeScaling? Yarn { get; init; }

    /// <summary>What cos and sin are multiplied by: YaRN's attention factor, else 1.</summary>
    public double RopeAttentionScale => Yarn?.AttentionFactor ?? 1.0;

    /// <summary>The rope type the tables implement: "default", "llama3" or "yarn".</summary>
    public string RopeType => Yarn is not null ? "yarn" : RopeScaling is not null ? "llama3" : "default";

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
            throw new EdgeLlmException($"{source}: not valid JSON ({exception.Message})");
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new EdgeLlmException($"{source}: expected a JSON object");
            }

            string modelType = root.TryGetProperty("model_type", out JsonElement typeElement) && typeElement.ValueKind == JsonValueKind.String
                ? typeElement.GetString()!
                : throw new EdgeLlmException($"{source}: missing 'model_type' (supported: {string.Join(", ", SupportedModelTypes)})");

            ModelArchitecture architecture = modelType switch
            {
                "llama" => ModelArchitecture.Llama,
                "qwen2" => ModelArchitecture.Qwen2,
                "qwen3" => ModelArchitecture.Qwen3,
                _ => throw new EdgeLlmException($"{source}: model_type '{modelType}' is not supported (supported: {string.Join(", ", SupportedModelTypes)})"),
            };

            int hiddenSize = ConfigFields.RequiredInt(root, "hidden_size", source);
            int headCount = ConfigFields.RequiredInt(root, "num_attention_heads", source);
            int headDim = ConfigFields.OptionalInt(root, "head_dim", source) ?? (hiddenSize % headCount == 0
                ? hiddenSize / headCount
                : throw new EdgeLlmException($"{source}: hidden_size {hiddenSize} is not a multiple of num_attention_heads {headCount} and no head_dim is given"));
            int kvHeadCount = ConfigFields.OptionalInt(root, "num_key_value_heads", source) ?? headCount;
            if (kvHeadCount <= 0 || headCount % kvHeadCount != 0)
            {
                throw new EdgeLlmException($"{source}: num_attention_heads {headCount} is not a multiple of num_key_value_heads {kvHeadCount}");
            }

            string? activation = ConfigFields.OptionalString(root, "hidden_act");
            if (activation is not null && activation != "silu")
            {
                throw new EdgeLlmException($"{source}: hidden_act '{activation}' is not supported (only silu)");
            }

            UnsupportedConfigKeys.Check(root, architecture, source);
            if (headDim <= 0 || headDim % 2 != 0)
            {
                throw new EdgeLlmException($"{source}: head_dim {headDim} is not supported (RoPE needs a positive even head_dim)");
            }

            int maxPositions = ConfigFields.OptionalInt(root, "max_position_embeddings", source) ?? 4096;
            JsonElement? ropeParameters = root.TryGetProperty("rope_parameters", out JsonElement parameters) && parameters.ValueKind == JsonValueKind.Object ? parameters : null;
            double ropeTheta = (ropeParameters is { } ropeObject ? ConfigFields.OptionalDouble(ropeObject, "rope_theta", source) : null)
                ?? ConfigFields.OptionalDouble(root, "rope_theta", source) ?? 10000.0;
            (RopeScaling? llama3, YarnRopeScaling? yarn) = ReadRopeScaling(root, ropeParameters, maxPositions, source);

            IReadOnlyList<int> eos = ConfigFields.Ids(root, "eos_token_id", source);
            int? bos = ConfigFields.OptionalInt(root, "bos_token_id", source);
            int? pad = ConfigFields.OptionalInt(root, "pad_token_id", source);
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
                IntermediateSize = ConfigFields.RequiredInt(root, "intermediate_size", source),
                LayerCount = ConfigFields.RequiredInt(root, "num_hidden_layers", source),
                HeadCount = headCount,
                KvHeadCount = kvHeadCount,
                HeadDim = headDim,
                VocabSize = ConfigFields.RequiredInt(root, "vocab_size", source),
                MaxPositionEmbeddings = maxPositions,
                RmsNormEps = ConfigFields.OptionalDouble(root, "rms_norm_eps", source) ?? 1e-6,
                RopeTheta = ropeTheta,
                RopeScaling = llama3,
                Yarn = yarn,
                TieWordEmbeddings = ConfigFields.OptionalBool(root, "tie_word_embeddings") ?? false,
                HasQkvBias = architecture == ModelArchitecture.Qwen2 || (ConfigFields.OptionalBool(root, "attention_bias") ?? false),
                BosTokenId = bos,
                EosTokenIds = eos,
                PadTokenId = pad,
                TorchDtype = ConfigFields.OptionalString(root, "torch_dtype"),
                Generation = generation,
            };
        }
    }

    private static (IReadOnlyList<int> Eos, int? Bos, int? Pad, GenerationDefaults Generation) ApplyGenerationConfig(
        string json, IReadOnlyList<int> eos, int? bos, int? pad, string source)
    {
        string generationSource = Path.Combine(Path.GetDirectoryName(source) ?? string.Empty, "generation_config.json");
        using (JsonDocument document = JsonFile.Parse(json, generationSource))
        {
            JsonElement root = document.RootElement;
            if (root.TryGetProperty("eos_token_id", out _))
            {
                IReadOnlyList<int> generationEos = ConfigFields.Ids(root, "eos_token_id", generationSource);
                if (generationEos.Count > 0)
                {
                    eos = generationEos;
                }
            }

            bos = ConfigFields.OptionalInt(root, "bos_token_id", generationSource) ?? bos;
            pad = ConfigFields.OptionalInt(root, "pad_token_id", generationSource) ?? pad;
            return (eos, bos, pad, GenerationDefaults.Read(root, generationSource));
        }
    }

    /// <summary>The keys a <c>rope_scaling</c> block of each supported type may carry (any other key is refused).</summary>
    private static readonly string[] Llama3Keys = ["rope_type", "type", "factor", "low_freq_factor", "high_freq_factor", "original_max_position_embeddings", "rope_theta"];

    private static readonly string[] YarnKeys = ["rope_type", "type", "factor", "original_max_position_embeddings", "beta_fast", "beta_slow", "truncate", "attention_factor", "mscale", "mscale_all_dim", "attn_factor", "rope_theta"];

    private static (RopeScaling? Llama3, YarnRopeScaling? Yarn) ReadRopeScaling(JsonElement root, JsonElement? ropeParameters, int maxPositions, string source)
    {
        string key = ropeParameters is null ? "rope_scaling" : "rope_parameters";
        JsonElement scaling;
        if (ropeParameters is { } parameters)
        {
            scaling = parameters;
        }
        else if (!root.TryGetProperty("rope_scaling", out scaling) || scaling.ValueKind == JsonValueKind.Null)
        {
            return (null, null);
        }

        if (scaling.ValueKind != JsonValueKind.Object)
        {
            throw new EdgeLlmException($"{source}: {key} must be an object or null");
        }

        string? type = ConfigFields.OptionalString(scaling, "rope_type") ?? ConfigFields.OptionalString(scaling, "type");
        switch (type)
        {
            case "default" or null:
                RefuseUnknownKeys(scaling, ["rope_type", "type", "rope_theta"], key, "default", source);
                return (null, null);
            case "llama3":
                RefuseUnknownKeys(scaling, Llama3Keys, key, type, source);
                return (new RopeScaling(
                    ConfigFields.OptionalDouble(scaling, "factor", source) ?? throw new EdgeLlmException($"{source}: {key} llama3 needs 'factor'"),
                    ConfigFields.OptionalDouble(scaling, "low_freq_factor", source) ?? 1.0,
                    ConfigFields.OptionalDouble(scaling, "high_freq_factor", source) ?? 4.0,
                    ConfigFields.OptionalInt(scaling, "original_max_position_embeddings", source) ?? 8192), null);
            case "yarn":
                RefuseUnknownKeys(scaling, YarnKeys, key, type, source);
                return (null, ReadYarn(scaling, maxPositions, key, source));
            default:
                throw new EdgeLlmException($"{source}: {key} type '{type}' is not supported (supported: default, llama3, yarn)");
        }
    }

    /// <summary>YaRN's parameters exactly as transformers' <c>_compute_yarn_parameters</c> resolves them.</summary>
    private static YarnRopeScaling ReadYarn(JsonElement scaling, int maxPositions, string key, string source)
    {
        double statedFactor = ConfigFields.OptionalDouble(scaling, "factor", source) ?? throw new EdgeLlmException($"{source}: {key} yarn needs 'factor'");
        int? original = ConfigFields.OptionalInt(scaling, "original_max_position_embeddings", source);
        if (original is <= 0)
        {
            throw new EdgeLlmException($"{source}: {key} original_max_position_embeddings must be positive, got {original}");
        }

        // transformers: with original_max_position_embeddings given, factor = max_position_embeddings / original.
        double factor = original is { } originalPositions ? (double)maxPositions / originalPositions : statedFactor;
        if (!(factor >= 1))
        {
            throw new EdgeLlmException($"{source}: {key} yarn factor {factor} is below 1 (max_position_embeddings / original_max_position_embeddings)");
        }

        double? attentionFactor = ConfigFields.OptionalDouble(scaling, "attention_factor", source);
        double? mscale = ConfigFields.OptionalDouble(scaling, "mscale", source);
        double? mscaleAllDim = ConfigFields.OptionalDouble(scaling, "mscale_all_dim", source);
        if (attentionFactor is null)
        {
            attentionFactor = mscale is { } m && m != 0 && mscaleAllDim is { } all && all != 0
                ? YarnRopeScaling.MScale(factor, m) / YarnRopeScaling.MScale(factor, all)
                : YarnRopeScaling.MScale(factor);
        }
        else if (attentionFactor < 0)
        {
            throw new EdgeLlmException($"{source}: {key} attention_factor must not be negative, got {attentionFactor}");
        }

        // transformers: beta_fast = get("beta_fast") or 32, beta_slow = get("beta_slow") or 1, truncate = get("truncate", True).
        double betaFast = ConfigFields.OptionalDouble(scaling, "beta_fast", source) is { } fast && fast != 0 ? fast : 32;
        double betaSlow = ConfigFields.OptionalDouble(scaling, "beta_slow", source) is { } slow && slow != 0 ? slow : 1;
        bool truncate = !scaling.TryGetProperty("truncate", out JsonElement truncateElement) || truncateElement.ValueKind == JsonValueKind.True
            || (truncateElement.ValueKind is not (JsonValueKind.False or JsonValueKind.Null)
                ? throw new EdgeLlmException($"{source}: {key} truncate must be true or false, got {truncateElement.GetRawText()}")
                : false);
        return new YarnRopeScaling(factor, original ?? maxPositions, betaFast, betaSlow, truncate, attentionFactor.Value)
        {
            StatedFactor = statedFactor,
            IgnoredAttnFactor = ConfigFields.OptionalDouble(scaling, "attn_factor", source),
        };
    }

    private static void RefuseUnknownKeys(JsonElement scaling, string[] known, string key, string type, string source)
    {
        foreach (JsonProperty property in scaling.EnumerateObject())
        {
            if (!known.Contains(property.Name, StringComparer.Ordinal))
            {
                throw new EdgeLlmException($"{source}: {key} key '{property.Name}' is not supported for rope type '{type}' (EdgeLLM refuses keys that would change the math rather than ignore them)");
            }
        }
    }
}

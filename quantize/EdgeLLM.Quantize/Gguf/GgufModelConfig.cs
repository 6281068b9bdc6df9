using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Format;
using EdgeLLM.Quantize.Checkpoints;

namespace EdgeLLM.Quantize.Gguf;

/// <summary>
/// A GGUF file's metadata → the converter's <see cref="ModelConfig"/>, for the architectures llama.cpp
/// calls llama, qwen2 and qwen3: <c>{arch}.block_count</c>, <c>embedding_length</c>, <c>feed_forward_length</c>,
/// <c>attention.head_count(_kv)</c>, <c>attention.key_length</c>, <c>context_length</c>, <c>rope.freq_base</c>,
/// <c>attention.layer_norm_rms_epsilon</c>, the vocabulary from <c>token_embd.weight</c>, tied output when
/// <c>output.weight</c> is absent, Llama 3 RoPE scaling recovered from <c>rope_freqs.weight</c>, and the
/// special token ids of <c>tokenizer.ggml.*</c>.
/// </summary>
public static class GgufModelConfig
{
    public static ModelConfig Read(MappedGgufFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        string arch = Required(file, "general.architecture").AsString();
        ModelArchitecture architecture = arch switch
        {
            "llama" => ModelArchitecture.Llama,
            "qwen2" => ModelArchitecture.Qwen2,
            "qwen3" => ModelArchitecture.Qwen3,
            _ => throw new EdgeLlmException($"{file.Path}: general.architecture '{arch}' is not supported (supported: {string.Join(", ", ModelConfig.SupportedModelTypes)})"),
        };

        int hidden = Positive(file, $"{arch}.embedding_length");
        int heads = Positive(file, $"{arch}.attention.head_count");
        int kvHeads = file.Find($"{arch}.attention.head_count_kv") is { } kv ? kv.AsInt32() : heads;
        if (kvHeads <= 0 || heads % kvHeads != 0)
        {
            throw new EdgeLlmException($"{file.Path}: {arch}.attention.head_count {heads} is not a multiple of head_count_kv {kvHeads}");
        }

        int headDim = file.Find($"{arch}.attention.key_length") is { } keyLength ? keyLength.AsInt32()
            : hidden % heads == 0 ? hidden / heads
            : throw new EdgeLlmException($"{file.Path}: {arch}.embedding_length {hidden} is not a multiple of head_count {heads} and no attention.key_length is given");
        if (headDim <= 0 || (file.Find($"{arch}.attention.value_length") is { } valueLength && valueLength.AsInt32() != headDim))
        {
            throw new EdgeLlmException($"{file.Path}: {arch}.attention.key_length/value_length must be equal and positive");
        }

        if (!file.Contains(GgufTensorNames.TokenEmbedding))
        {
            throw new EdgeLlmException($"{file.Path}: no tensor '{GgufTensorNames.TokenEmbedding}'");
        }

        GgufTensorInfo embedding = file.Tensor(GgufTensorNames.TokenEmbedding);
        if (embedding.Dimensions.Length != 2 || embedding.Dimensions[0] != hidden || embedding.Dimensions[1] > int.MaxValue)
        {
            throw new EdgeLlmException($"{file.Path}: tensor '{GgufTensorNames.TokenEmbedding}' has dims [{string.Join(", ", embedding.Dimensions)}], expected [{hidden}, vocab]");
        }

        int vocab = (int)embedding.Dimensions[1];
        double theta = file.Find($"{arch}.rope.freq_base") is { } baseValue ? baseValue.AsDouble() : 10000.0;
        var config = new ModelConfig
        {
            Architecture = architecture,
            ModelType = arch,
            HiddenSize = hidden,
            IntermediateSize = Positive(file, $"{arch}.feed_forward_length"),
            LayerCount = Positive(file, $"{arch}.block_count"),
            HeadCount = heads,
            KvHeadCount = kvHeads,
            HeadDim = headDim,
            VocabSize = vocab,
            MaxPositionEmbeddings = file.Find($"{arch}.context_length") is { } context ? context.AsInt32() : 4096,
            RmsNormEps = file.Find($"{arch}.attention.layer_norm_rms_epsilon") is { } epsilon ? epsilon.AsDouble() : 1e-6,
            RopeTheta = theta,
            TieWordEmbeddings = !file.Contains(GgufTensorNames.Output),
            HasQkvBias = architecture == ModelArchitecture.Qwen2 || file.Contains("blk.0.attn_q.bias"),
            BosTokenId = OptionalId(file, "tokenizer.ggml.bos_token_id", vocab),
            EosTokenIds = EosIds(file, vocab),
            PadTokenId = OptionalId(file, "tokenizer.ggml.padding_token_id", vocab),
        };
        if (config.MaxPositionEmbeddings <= 0 || config.RmsNormEps <= 0 || !double.IsFinite(config.RmsNormEps) || theta <= 0 || !double.IsFinite(theta))
        {
            throw new EdgeLlmException($"{file.Path}: context_length, layer_norm_rms_epsilon and rope.freq_base must be positive");
        }

        return config with { RopeScaling = Llama3Scaling(file, config), Yarn = YarnScaling(file, arch, config) };
    }

    /// <summary>
    /// <c>{arch}.rope.scaling.*</c>: YaRN as convert_hf_to_gguf.py writes it (type, factor, original_context_length),
    /// read back with transformers' defaults (beta_fast 32, beta_slow 1, truncated correction range, attention factor
    /// 0.1·ln(factor) + 1 — what llama.cpp derives too); any other scaling type is refused rather than run with the
    /// wrong positions. The one place YaRN reading goes.
    /// </summary>
    private static YarnRopeScaling? YarnScaling(MappedGgufFile file, string arch, ModelConfig config)
    {
        string? type = file.Find($"{arch}.rope.scaling.type")?.AsString();
        if (type is null or "none")
        {
            return null;
        }

        if (type != "yarn")
        {
            throw new EdgeLlmException($"{file.Path}: {arch}.rope.scaling.type '{type}' is not supported (unscaled RoPE, Llama 3's rope_freqs and yarn are)");
        }

        double factor = file.Find($"{arch}.rope.scaling.factor")?.AsDouble()
            ?? throw new EdgeLlmException($"{file.Path}: {arch}.rope.scaling.factor is missing for yarn");
        int original = file.Find($"{arch}.rope.scaling.original_context_length")?.AsInt32()
            ?? throw new EdgeLlmException($"{file.Path}: {arch}.rope.scaling.original_context_length is missing for yarn");
        if (!(factor >= 1) || !double.IsFinite(factor) || original <= 0)
        {
            throw new EdgeLlmException($"{file.Path}: {arch}.rope.scaling yarn needs factor ≥ 1 and a positive original_context_length, got {factor} and {original}");
        }

        // As ModelConfig reads a config.json: with the original context given, factor = max positions / original.
        double effective = (double)config.MaxPositionEmbeddings / original;
        double used = effective >= 1 ? effective : factor;
        return new YarnRopeScaling(used, original, 32, 1, true, YarnRopeScaling.MScale(used)) { StatedFactor = factor };
    }

    /// <summary>
    /// Llama 3.1's rope_scaling, which the converter writes only as the per-pair divisors of <c>rope_freqs.weight</c>:
    /// factor is the largest divisor; the smooth band fixes original_max_position_embeddings for the standard
    /// low/high frequency factors (1 and 4). The recovered scaling must reproduce the tensor, or the file is refused.
    /// </summary>
    private static RopeScaling? Llama3Scaling(MappedGgufFile file, ModelConfig config)
    {
        if (!file.Contains(GgufTensorNames.RopeFrequencies))
        {
            return null;
        }

        GgufTensorInfo tensor = file.Tensor(GgufTensorNames.RopeFrequencies);
        if (tensor.Dimensions.Length != 1 || tensor.Dimensions[0] != config.HeadDim / 2 || tensor.Type != GgmlType.F32)
        {
            throw new EdgeLlmException($"{file.Path}: tensor '{GgufTensorNames.RopeFrequencies}' must be F32 [{config.HeadDim / 2}]");
        }

        var factors = new float[tensor.Dimensions[0]];
        GgmlDequantizer.Dequantize(GgmlType.F32, file.Bytes(tensor), factors);
        if (factors.All(factor => factor == 1f))
        {
            return null;
        }

        const double low = 1.0, high = 4.0;
        double factor = factors.Max();
        int original = 8192;
        for (int i = 0; i < factors.Length; i++)
        {
            if (factors[i] > 1f && factors[i] < factor)
            {
                // 1/f = (1 - s)/factor + s, s = (original/wavelength - low)/(high - low).
                double smooth = ((1 / (double)factors[i]) - (1 / factor)) / (1 - (1 / factor));
                double wavelength = 2 * Math.PI * Math.Pow(config.RopeTheta, 2.0 * i / config.HeadDim);
                original = (int)Math.Round(((smooth * (high - low)) + low) * wavelength);
                break;
            }
        }

        var scaling = new RopeScaling(factor, low, high, original);
        float[] expected = GgufArchitectureMetadata.Llama3RopeFactors(config, scaling);
        for (int i = 0; i < factors.Length; i++)
        {
            if (Math.Abs(expected[i] - factors[i]) > 1e-4 * Math.Abs(factors[i]))
            {
                throw new EdgeLlmException($"{file.Path}: tensor '{GgufTensorNames.RopeFrequencies}' is not Llama 3 RoPE scaling with low/high frequency factors 1 and 4 (pair {i}: {factors[i]} vs {expected[i]})");
            }
        }

        return scaling;
    }

    private static IReadOnlyList<int> EosIds(MappedGgufFile file, int vocab)
    {
        var ids = new List<int>();
        foreach (string key in new[] { "tokenizer.ggml.eos_token_id", "tokenizer.ggml.eot_token_id" })
        {
            if (OptionalId(file, key, vocab) is { } id && !ids.Contains(id))
            {
                ids.Add(id);
            }
        }

        return ids;
    }

    private static int? OptionalId(MappedGgufFile file, string key, int vocab)
    {
        if (file.Find(key) is not { } value)
        {
            return null;
        }

        int id = value.AsInt32();
        return id >= 0 && id < vocab ? id : throw new EdgeLlmException($"{file.Path}: {key} {id} is outside the vocabulary of {vocab}");
    }

    private static GgufValue Required(MappedGgufFile file, string key)
        => file.Find(key) ?? throw new EdgeLlmException($"{file.Path}: missing metadata key '{key}'");

    private static int Positive(MappedGgufFile file, string key)
    {
        int value = Required(file, key).AsInt32();
        return value > 0 ? value : throw new EdgeLlmException($"{file.Path}: {key} must be positive, got {value}");
    }
}

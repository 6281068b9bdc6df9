using System.Text.Json;
using EdgeLLM.Quantize.Architectures;
using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Quantize.Files;

namespace EdgeLLM.Quantize.Conversion;

/// <summary>
/// Writes <c>edgellm.json</c>, the manifest of a converted model folder (format_version 1): the tool,
/// the source checkpoint, precision, context, logits mode, model dimensions and every file's size and hash.
/// </summary>
public static class ModelManifest
{
    public const string FileName = "edgellm.json";

    public const int FormatVersion = 1;

    internal static void Write(Stream stream, ManifestContents contents)
    {
        ModelConfig config = contents.Config;
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteNumber("format_version", FormatVersion);
        json.WriteStartObject("tool");
        json.WriteString("name", "edgellm");
        json.WriteString("version", ToolVersion);
        json.WriteEndObject();
        json.WriteStartObject("source");
        if (contents.SourceFolder is { } source)
        {
            json.WriteString("path", source);
        }
        else
        {
            json.WriteNull("path");
        }

        json.WriteString("architecture", config.ModelType);
        if (config.TorchDtype is { } dtype)
        {
            json.WriteString("torch_dtype", dtype);
        }

        WriteFiles(json, contents.SourceFiles);
        if (contents.SourceDetails is { } details)
        {
            json.WriteString("format", details.Format);
            json.WriteStartObject("tensor_types");
            foreach ((string type, int count) in details.TensorTypes)
            {
                json.WriteNumber(type, count);
            }

            json.WriteEndObject();
            json.WriteStartObject("stored_as");
            foreach ((string type, string storage) in details.StoredAs)
            {
                json.WriteString(type, storage);
            }

            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteString("precision", contents.Precision);
        json.WriteNumber("max_context", contents.ContextLength);
        json.WriteString("logits", contents.LastPositionLogitsOnly ? "last" : "all");
        json.WriteString("rotary", contents.FusedRotary ? "fused" : "separate");
        json.WriteString("target", contents.Target.Name());
        json.WriteString("io_dtype", contents.Target == GraphTarget.DirectML ? "fp16" : "fp32");
        json.WriteStartObject("model");
        json.WriteNumber("layers", config.LayerCount);
        json.WriteNumber("hidden_size", config.HiddenSize);
        json.WriteNumber("intermediate_size", config.IntermediateSize);
        json.WriteNumber("heads", config.HeadCount);
        json.WriteNumber("kv_heads", config.KvHeadCount);
        json.WriteNumber("head_dim", config.HeadDim);
        json.WriteNumber("vocab_size", config.VocabSize);
        json.WriteBoolean("tied_embeddings", config.TieWordEmbeddings);
        WriteRope(json, config);
        json.WriteEndObject();
        if (contents.Quantization is { } quantization)
        {
            WriteQuantization(json, quantization, config, contents);
        }

        json.WriteNumber("weights_bytes", contents.WeightBytes);
        WriteFiles(json, contents.Files);
        json.WriteEndObject();
    }

    /// <summary>
    /// <c>model.rope</c>: the RoPE the cos/sin tables implement (type, theta, the scaling parameters used)
    /// and <c>attention_scale</c>, the factor cos and sin carry (YaRN's attention factor, else 1); a YaRN
    /// config's <c>attn_factor</c>, which is not applied, is recorded as <c>attn_factor_not_applied</c>.
    /// </summary>
    private static void WriteRope(Utf8JsonWriter json, ModelConfig config)
    {
        json.WriteStartObject("rope");
        json.WriteString("type", config.RopeType);
        json.WriteNumber("theta", config.RopeTheta);
        if (config.RopeScaling is { } llama3)
        {
            json.WriteNumber("factor", llama3.Factor);
            json.WriteNumber("low_freq_factor", llama3.LowFreqFactor);
            json.WriteNumber("high_freq_factor", llama3.HighFreqFactor);
            json.WriteNumber("original_max_position_embeddings", llama3.OriginalMaxPositionEmbeddings);
        }

        if (config.Yarn is { } yarn)
        {
            json.WriteNumber("factor", yarn.Factor);
            json.WriteNumber("original_max_position_embeddings", yarn.OriginalMaxPositionEmbeddings);
            json.WriteNumber("beta_fast", yarn.BetaFast);
            json.WriteNumber("beta_slow", yarn.BetaSlow);
            json.WriteBoolean("truncate", yarn.Truncate);
            if (yarn.IgnoredAttnFactor is { } ignored)
            {
                json.WriteNumber("attn_factor_not_applied", ignored);
            }
        }

        json.WriteNumber("attention_scale", config.RopeAttentionScale);
        json.WriteEndObject();
    }

    /// <summary>A <c>files</c> array: name, bytes and checksum of each file.</summary>
    private static void WriteFiles(Utf8JsonWriter json, IReadOnlyList<OutputFile> files)
    {
        json.WriteStartArray("files");
        foreach (OutputFile file in files)
        {
            json.WriteStartObject();
            json.WriteString("name", file.Name);
            json.WriteNumber("bytes", file.Bytes);
            json.WriteString(FileChecksum.Algorithm, file.Checksum);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    /// <summary>
    /// The quantization settings and, per quantized tensor, its bits, block size and the error its
    /// weights took: largest absolute difference, RMS difference, and RMS difference over RMS weight.
    /// </summary>
    private static void WriteQuantization(Utf8JsonWriter json, Quantizers.QuantizationSettings quantization, ModelConfig config, ManifestContents contents)
    {
        bool tiedEmbeddings = config.TieWordEmbeddings;
        IReadOnlyList<Quantizers.QuantizedTensor> tensors = contents.QuantizedTensors;
        int scaleBytes = Quantizers.BitsPerWeight.ScaleBytes(contents.Target);
        json.WriteStartObject("quantization");
        json.WriteNumber("bits", quantization.Bits);
        json.WriteNumber("block_size", quantization.BlockSize);
        json.WriteBoolean("symmetric", !quantization.Asymmetric);
        json.WriteString("scales", quantization.ScaleChoice == Quantizers.ScaleChoice.Search ? "search" : "round-to-nearest");
        json.WriteNumber("mlp_block_size", quantization.Mlp.BlockSize);
        json.WriteString("lm_head", Quantizers.QuantizationSettings.Name(quantization.LmHead));
        if (quantization.LmHeadOptions is { } lmHead)
        {
            json.WriteNumber("lm_head_block_size", lmHead.BlockSize);
        }

        json.WriteString("embeddings", tiedEmbeddings ? "tied" : Quantizers.QuantizationSettings.Name(quantization.Embeddings));
        json.WriteNumber("accuracy_level", quantization.AccuracyLevel);
        json.WriteString("recipe", Quantizers.QuantizationSettings.Name(quantization.Recipe));
        Quantizers.BitsPerWeight size = Quantizers.BitsPerWeight.Of(tensors, scaleBytes, contents.WeightBytes, config);
        json.WriteStartObject("bits_per_weight");
        WriteFinite(json, "linear", size.Linear);
        WriteFinite(json, "quantized", size.Quantized);
        WriteFinite(json, "folder", size.Folder);
        json.WriteNumber("llama_cpp_q4_0", Quantizers.BitsPerWeight.LlamaCppQ4_0);
        json.WriteNumber("llama_cpp_q4_k_m", Quantizers.BitsPerWeight.LlamaCppQ4_K_M);
        json.WriteEndObject();
        json.WriteStartArray("tensors");
        foreach (Quantizers.QuantizedTensor tensor in tensors)
        {
            json.WriteStartObject();
            json.WriteString("name", tensor.Name);
            json.WriteNumber("bits", tensor.Options.Bits);
            json.WriteNumber("block_size", tensor.Options.BlockSize);
            json.WriteBoolean("symmetric", !tensor.Options.Asymmetric);
            json.WriteNumber("bits_per_weight", Math.Round(Quantizers.BitsPerWeight.Of(tensor, scaleBytes), 4));
            json.WriteNumber("max_abs_error", tensor.Error.MaxAbsoluteError);
            json.WriteNumber("rms_error", tensor.Error.RootMeanSquareError);
            json.WriteNumber("relative_rms_error", tensor.Error.RelativeRootMeanSquareError);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>A figure rounded to 4 decimals, or null when there is none (no tensor of that kind).</summary>
    private static void WriteFinite(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value))
        {
            json.WriteNumber(name, Math.Round(value, 4));
        }
        else
        {
            json.WriteNull(name);
        }
    }

    /// <summary>The converter's version (the assembly version, major.minor.patch).</summary>
    public static string ToolVersion { get; } = typeof(ModelManifest).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}

/// <summary>Everything edgellm.json records.</summary>
internal sealed record ManifestContents(
    ModelConfig Config,
    string? SourceFolder,
    string Precision,
    int ContextLength,
    bool LastPositionLogitsOnly,
    bool FusedRotary,
    long WeightBytes,
    IReadOnlyList<OutputFile> Files)
{
    /// <summary>The quantization applied (bits set), or null for fp32/fp16.</summary>
    public Quantizers.QuantizationSettings? Quantization { get; init; }

    /// <summary>The checkpoint files the conversion read (empty when there was no source folder).</summary>
    public IReadOnlyList<OutputFile> SourceFiles { get; init; } = [];

    /// <summary>What the source format adds to <c>source</c> (GGUF: tensor type mix), or null.</summary>
    public SourceDetails? SourceDetails { get; init; }

    /// <summary>The execution provider the graph is shaped for.</summary>
    public GraphTarget Target { get; init; } = GraphTarget.Cpu;

    /// <summary>Every block-quantized weight with its error.</summary>
    public IReadOnlyList<Quantizers.QuantizedTensor> QuantizedTensors { get; init; } = [];
}

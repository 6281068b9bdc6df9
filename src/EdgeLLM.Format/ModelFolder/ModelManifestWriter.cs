using System.Text.Json;
using EdgeLLM.Format.Files;

namespace EdgeLLM.Format.ModelFolder;

/// <summary>
/// Writes <c>edgellm.json</c>, the manifest of a converted model folder (<see cref="ModelManifest.FormatVersion"/>): the tool,
/// the source checkpoint, precision, context, logits mode, model dimensions and every file's size and hash.
/// </summary>
public static class ModelManifestWriter
{
    public static void Write(Stream stream, ManifestContents contents)
    {
        ArgumentNullException.ThrowIfNull(contents);
        ManifestSource source = contents.Source;
        ManifestModel model = contents.Model;
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteNumber("format_version", ModelManifest.FormatVersion);
        json.WriteStartObject("tool");
        json.WriteString("name", "edgellm");
        json.WriteString("version", ModelManifest.ToolVersion);
        json.WriteEndObject();
        json.WriteStartObject("source");
        if (source.Path is { } path)
        {
            json.WriteString("path", path);
        }
        else
        {
            json.WriteNull("path");
        }

        json.WriteString("architecture", source.Architecture);
        if (source.TorchDtype is { } dtype)
        {
            json.WriteString("torch_dtype", dtype);
        }

        WriteFiles(json, source.Files);
        if (source.Details is { } details)
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
        json.WriteString("target", contents.Target);
        json.WriteString("io_dtype", contents.Target == "dml" ? "fp16" : "fp32");
        json.WriteStartObject("model");
        json.WriteNumber("layers", model.Layers);
        json.WriteNumber("hidden_size", model.HiddenSize);
        json.WriteNumber("intermediate_size", model.IntermediateSize);
        json.WriteNumber("heads", model.Heads);
        json.WriteNumber("kv_heads", model.KvHeads);
        json.WriteNumber("head_dim", model.HeadDim);
        json.WriteNumber("vocab_size", model.VocabSize);
        json.WriteBoolean("tied_embeddings", model.TiedEmbeddings);
        WriteRope(json, model.Rope);
        json.WriteEndObject();
        if (contents.Quantization is { } quantization)
        {
            WriteQuantization(json, quantization);
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
    private static void WriteRope(Utf8JsonWriter json, ManifestRope rope)
    {
        json.WriteStartObject("rope");
        json.WriteString("type", rope.Type);
        json.WriteNumber("theta", rope.Theta);
        if (rope.Llama3 is { } llama3)
        {
            json.WriteNumber("factor", llama3.Factor);
            json.WriteNumber("low_freq_factor", llama3.LowFreqFactor);
            json.WriteNumber("high_freq_factor", llama3.HighFreqFactor);
            json.WriteNumber("original_max_position_embeddings", llama3.OriginalMaxPositionEmbeddings);
        }

        if (rope.Yarn is { } yarn)
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

        json.WriteNumber("attention_scale", rope.AttentionScale);
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
    private static void WriteQuantization(Utf8JsonWriter json, QuantizationSummary quantization)
    {
        json.WriteStartObject("quantization");
        json.WriteNumber("bits", quantization.Bits);
        json.WriteNumber("block_size", quantization.BlockSize);
        json.WriteBoolean("symmetric", quantization.Symmetric);
        json.WriteString("scales", quantization.Scales);
        json.WriteNumber("mlp_block_size", quantization.MlpBlockSize);
        json.WriteString("lm_head", quantization.LmHead);
        if (quantization.LmHeadBlockSize is { } lmHeadBlockSize)
        {
            json.WriteNumber("lm_head_block_size", lmHeadBlockSize);
        }

        json.WriteString("embeddings", quantization.Embeddings);
        json.WriteNumber("accuracy_level", quantization.AccuracyLevel);
        json.WriteString("recipe", quantization.Recipe);
        json.WriteString("linear_scale_type", quantization.LinearScaleType);
        if (quantization.Calibration is { } calibration)
        {
            json.WriteStartObject("calibration");
            json.WriteString("text", calibration.Text);
            json.WriteNumber("tokens", calibration.Tokens);
            json.WriteNumber("weighted_tensors", calibration.WeightedTensors);
            json.WriteNumber("gptq_tensors", calibration.GptqTensors);
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("calibration");
        }
        BitsPerWeightSummary size = quantization.BitsPerWeight;
        json.WriteStartObject("bits_per_weight");
        WriteFinite(json, "linear", size.Linear);
        WriteFinite(json, "quantized", size.Quantized);
        WriteFinite(json, "folder", size.Folder);
        json.WriteNumber("llama_cpp_q4_0", size.LlamaCppQ4_0);
        json.WriteNumber("llama_cpp_q4_k_m", size.LlamaCppQ4_K_M);
        json.WriteEndObject();
        json.WriteStartArray("tensors");
        foreach (QuantizedTensorSummary tensor in quantization.Tensors)
        {
            json.WriteStartObject();
            json.WriteString("name", tensor.Name);
            json.WriteNumber("bits", tensor.Bits);
            json.WriteNumber("block_size", tensor.BlockSize);
            json.WriteBoolean("symmetric", tensor.Symmetric);
            json.WriteString("scale_type", tensor.ScaleType);
            json.WriteNumber("bits_per_weight", Math.Round(tensor.BitsPerWeight, 4));
            json.WriteNumber("max_abs_error", tensor.MaxAbsoluteError);
            json.WriteNumber("rms_error", tensor.RmsError);
            json.WriteNumber("relative_rms_error", tensor.RelativeRmsError);
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
}

using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Format;
using EdgeLLM.Quantize.Checkpoints;

namespace EdgeLLM.Quantize.Gguf;

/// <summary>
/// The <c>general.*</c> and <c>{arch}.*</c> keys llama.cpp's <c>convert_hf_to_gguf.py</c> writes for Llama,
/// Qwen2 and Qwen3 (the architecture name is the config's model_type).
/// </summary>
public static class GgufArchitectureMetadata
{
    /// <summary>ggml's GGML_QNT_VERSION, written as general.quantization_version.</summary>
    public const uint QuantizationVersion = 2;

    public static void Add(GgufMetadata metadata, ModelConfig config, string modelName, GgufExportType type)
    {
        string arch = config.ModelType;
        metadata.AddString("general.architecture", arch);
        metadata.AddString("general.type", "model");
        metadata.AddString("general.name", modelName);
        metadata.AddUInt32($"{arch}.block_count", (uint)config.LayerCount);
        metadata.AddUInt32($"{arch}.context_length", (uint)config.MaxPositionEmbeddings);
        metadata.AddUInt32($"{arch}.embedding_length", (uint)config.HiddenSize);
        metadata.AddUInt32($"{arch}.feed_forward_length", (uint)config.IntermediateSize);
        metadata.AddUInt32($"{arch}.attention.head_count", (uint)config.HeadCount);
        metadata.AddUInt32($"{arch}.attention.head_count_kv", (uint)config.KvHeadCount);
        metadata.AddFloat32($"{arch}.rope.freq_base", (float)config.RopeTheta);
        metadata.AddFloat32($"{arch}.attention.layer_norm_rms_epsilon", (float)config.RmsNormEps);
        if (config.Architecture == ModelArchitecture.Qwen3 || config.HeadDim * config.HeadCount != config.HiddenSize)
        {
            // The converter writes these whenever config.json gives head_dim (Qwen3 always does).
            metadata.AddUInt32($"{arch}.attention.key_length", (uint)config.HeadDim);
            metadata.AddUInt32($"{arch}.attention.value_length", (uint)config.HeadDim);
        }

        metadata.AddUInt32("general.file_type", type.FileType());
        if (config.Yarn is { } yarn)
        {
            // convert_hf_to_gguf.py's Qwen2/Qwen3 rope_scaling yarn keys; llama.cpp then derives the attention
            // factor 0.1·ln(factor) + 1 itself, as transformers does. attn_factor (not a transformers key) is not
            // written: EdgeLLM does not apply it, and neither does llama.cpp's qwen3.
            if (yarn.BetaFast != 32 || yarn.BetaSlow != 1 || !yarn.Truncate || yarn.Factor != yarn.StatedFactor
                || Math.Abs(yarn.AttentionFactor - YarnRopeScaling.MScale(yarn.Factor)) > 1e-12)
            {
                throw new EdgeLlmException(
                    "GGUF export of YaRN with non-default beta_fast/beta_slow/truncate/attention_factor/mscale, or a factor other than max_position_embeddings / original_max_position_embeddings, is not supported (llama.cpp would compute different RoPE tables)");
            }

            metadata.AddString($"{arch}.rope.scaling.type", "yarn");
            metadata.AddFloat32($"{arch}.rope.scaling.factor", (float)yarn.StatedFactor);
            metadata.AddUInt32($"{arch}.rope.scaling.original_context_length", (uint)yarn.OriginalMaxPositionEmbeddings);
        }

        if (config.Architecture == ModelArchitecture.Llama)
        {
            metadata.AddUInt32($"{arch}.vocab_size", (uint)config.VocabSize);
            metadata.AddUInt32($"{arch}.rope.dimension_count", (uint)config.HeadDim);
        }

        metadata.AddUInt32("general.quantization_version", QuantizationVersion);
        metadata.AddUInt32(GgufWriter.AlignmentKey, GgufWriter.Alignment);
    }

    /// <summary>
    /// llama.cpp's <c>rope_freqs.weight</c> for rope_scaling type llama3: per frequency pair, 1 for short
    /// wavelengths, <c>factor</c> for long ones and <c>1 / ((1 - smooth) / factor + smooth)</c> between
    /// (the converter's <c>generate_extra_tensors</c>); llama.cpp divides each RoPE frequency by it.
    /// </summary>
    public static float[] Llama3RopeFactors(ModelConfig config, RopeScaling scaling)
    {
        int dim = config.HeadDim;
        var factors = new float[dim / 2];
        double lowFrequencyWavelength = scaling.OriginalMaxPositionEmbeddings / scaling.LowFreqFactor;
        double highFrequencyWavelength = scaling.OriginalMaxPositionEmbeddings / scaling.HighFreqFactor;
        for (int i = 0; i < factors.Length; i++)
        {
            float frequency = 1f / MathF.Pow((float)config.RopeTheta, 2f * i / dim);
            double wavelength = 2 * Math.PI / frequency;
            if (wavelength < highFrequencyWavelength)
            {
                factors[i] = 1f;
            }
            else if (wavelength > lowFrequencyWavelength)
            {
                factors[i] = (float)scaling.Factor;
            }
            else
            {
                double smooth = ((scaling.OriginalMaxPositionEmbeddings / wavelength) - scaling.LowFreqFactor) / (scaling.HighFreqFactor - scaling.LowFreqFactor);
                factors[i] = (float)(1 / (((1 - smooth) / scaling.Factor) + smooth));
            }
        }

        return factors;
    }
}

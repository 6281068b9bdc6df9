using System.Globalization;
using EdgeLLM.Quantize.Architectures;
using EdgeLLM.Quantize.Checkpoints;

namespace EdgeLLM.Quantize.Quantizers;

/// <summary>
/// The size a quantization costs, in bits per weight: the decoder's Linear layers (packed codes, scales
/// and zero points over their weights), every block-quantized tensor (lm_head and a quantized embedding
/// too), and the whole weight file over every parameter of the model — next to llama.cpp's figures for
/// its 4-bit files (Q4_0 4.5: 4-bit codes and an fp16 scale per 32; Q4_K_M ≈ 4.85 over a whole model).
/// Scales take the graph's activation width (fp32 on the CPU target, fp16 for DirectML).
/// </summary>
public sealed record BitsPerWeight(double Linear, double Quantized, double Folder)
{
    /// <summary>llama.cpp Q4_0: 18 bytes per 32 weights.</summary>
    public const double LlamaCppQ4_0 = 4.5;

    /// <summary>llama.cpp Q4_K_M over a whole model (Q4_K blocks at 4.5, Q6_K for the value and part of the down projections and for the output).</summary>
    public const double LlamaCppQ4_K_M = 4.85;

    /// <summary>Bytes of one scale in a graph for <paramref name="target"/>: the activations' width.</summary>
    public static int ScaleBytes(GraphTarget target) => target == GraphTarget.DirectML ? 2 : 4;

    /// <summary>Bytes one tensor takes in the weight file: codes, scales (<paramref name="scaleBytes"/> each) and packed zero points.</summary>
    public static long StoredBytes(QuantizedTensor tensor, int scaleBytes)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        MatMulNBitsLayout layout = tensor.Layout;
        // From the options, not the arrays: a written tensor keeps only its error report (QuantizedTensor.WithoutValues).
        return layout.PackedByteCount + (layout.ScaleCount * (tensor.Options.HalfScales ? 2 : scaleBytes)) + (tensor.Options.Asymmetric ? layout.ZeroPointByteCount : 0);
    }

    /// <summary>Weights of one tensor.</summary>
    public static long WeightCount(QuantizedTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return tensor.Layout.RowCount * tensor.Layout.ColumnCount;
    }

    /// <summary>One tensor's bits per weight.</summary>
    public static double Of(QuantizedTensor tensor, int scaleBytes) => 8.0 * StoredBytes(tensor, scaleBytes) / WeightCount(tensor);

    /// <summary>The three figures of a conversion whose weight file holds <paramref name="weightFileBytes"/>.</summary>
    public static BitsPerWeight Of(IReadOnlyList<QuantizedTensor> tensors, int scaleBytes, long weightFileBytes, ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(config);
        long linearBytes = 0, linearWeights = 0, allBytes = 0, allWeights = 0;
        foreach (QuantizedTensor tensor in tensors)
        {
            long bytes = StoredBytes(tensor, scaleBytes);
            long weights = WeightCount(tensor);
            allBytes += bytes;
            allWeights += weights;
            if (IsDecoderLinear(tensor.Name))
            {
                linearBytes += bytes;
                linearWeights += weights;
            }
        }

        return new BitsPerWeight(
            linearWeights == 0 ? double.NaN : 8.0 * linearBytes / linearWeights,
            allWeights == 0 ? double.NaN : 8.0 * allBytes / allWeights,
            8.0 * weightFileBytes / ParameterCount(config));
    }

    /// <summary>A Linear layer of a decoder layer (not lm_head, not the embedding).</summary>
    public static bool IsDecoderLinear(string name) => name.StartsWith("model.layers.", StringComparison.Ordinal);

    /// <summary>
    /// The model's parameters from its configuration: embedding, lm_head when untied, per layer the
    /// attention and MLP projections, their biases (Qwen2), the norms (and Qwen3's q/k norms), the final norm.
    /// </summary>
    public static long ParameterCount(ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        long hidden = config.HiddenSize;
        long query = (long)config.HeadCount * config.HeadDim;
        long keyValue = (long)config.KvHeadCount * config.HeadDim;
        long perLayer = (hidden * query) + (2 * hidden * keyValue) + (query * hidden) + (3 * hidden * config.IntermediateSize) + (2 * hidden);
        if (config.HasQkvBias)
        {
            perLayer += query + (2 * keyValue);
        }

        if (config.ModelType == "qwen3")
        {
            perLayer += 2L * config.HeadDim;
        }

        long embedding = (long)config.VocabSize * hidden;
        return embedding + (config.TieWordEmbeddings ? 0 : embedding) + (config.LayerCount * perLayer) + hidden;
    }

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Linear:F3} bits per weight in the decoder's linear layers, {Quantized:F3} over every quantized tensor, {Folder:F3} over the whole weight file (llama.cpp: Q4_0 {LlamaCppQ4_0}, Q4_K_M ≈ {LlamaCppQ4_K_M})");
}

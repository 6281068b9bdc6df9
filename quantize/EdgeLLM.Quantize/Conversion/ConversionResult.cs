using EdgeLLM.Format.Files;

namespace EdgeLLM.Quantize.Conversion;

/// <summary>What a conversion wrote.</summary>
/// <param name="OutputFolder">The finished folder.</param>
/// <param name="ContextLength">The context the graph serves (RoPE rows, genai_config context_length).</param>
/// <param name="WeightBytes">Size of model.onnx.data.</param>
/// <param name="Files">Every file written, with its size.</param>
public sealed record ConversionResult(string OutputFolder, int ContextLength, long WeightBytes, IReadOnlyList<OutputFile> Files)
{
    /// <summary>Every block-quantized weight with its error (empty for fp32/fp16).</summary>
    public IReadOnlyList<Quantizers.QuantizedTensor> QuantizedTensors { get; init; } = [];

    /// <summary>The input-channel importance that weighted the scale search, or null.</summary>
    public Quantizers.ChannelImportance? Importance { get; init; }
}

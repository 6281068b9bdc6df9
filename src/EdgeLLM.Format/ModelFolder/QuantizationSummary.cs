namespace EdgeLLM.Format.ModelFolder;

/// <summary>
/// edgellm.json's <c>quantization</c> as written: the settings (precisions in CLI spelling), the bits per
/// weight, and per quantized tensor its bits, block size and the error its weights took.
/// </summary>
/// <param name="Scales">"search" or "round-to-nearest".</param>
/// <param name="LmHead">"int8", "int4" or "fp32".</param>
/// <param name="LmHeadBlockSize">lm_head's block size when it is block-quantized, else null.</param>
/// <param name="Embeddings">"tied", or the untied table's precision.</param>
/// <param name="Recipe">"uniform" or "mixed".</param>
/// <param name="BitsPerWeight">Linear, quantized and folder bits per weight (NaN when there is none of that kind), and llama.cpp's for comparison.</param>
public sealed record QuantizationSummary(
    int Bits,
    int BlockSize,
    bool Symmetric,
    string Scales,
    int MlpBlockSize,
    string LmHead,
    int? LmHeadBlockSize,
    string Embeddings,
    int AccuracyLevel,
    string Recipe,
    BitsPerWeightSummary BitsPerWeight,
    IReadOnlyList<QuantizedTensorSummary> Tensors)
{
    /// <summary>"fp32", or "fp16" when the decoder's Linear scales are stored as fp16 (DirectML, or --scale-type fp16).</summary>
    public string LinearScaleType { get; init; } = "fp32";

    /// <summary>The calibration that weighted the scale search, or null (none).</summary>
    public CalibrationSummary? Calibration { get; init; }
}

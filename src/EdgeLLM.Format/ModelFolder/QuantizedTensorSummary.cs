namespace EdgeLLM.Format.ModelFolder;

/// <summary>One block-quantized weight in edgellm.json: its settings, bits per weight and the error its weights took.</summary>
public sealed record QuantizedTensorSummary(
    string Name,
    int Bits,
    int BlockSize,
    bool Symmetric,
    double BitsPerWeight,
    double MaxAbsoluteError,
    double RmsError,
    double RelativeRmsError)
{
    /// <summary>"fp32" or "fp16": how this tensor's scales are stored.</summary>
    public string ScaleType { get; init; } = "fp32";
}

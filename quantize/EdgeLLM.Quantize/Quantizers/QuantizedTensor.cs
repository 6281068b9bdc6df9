namespace EdgeLLM.Quantize.Quantizers;

/// <summary>
/// What quantizing one weight tensor left in memory once its packed codes were streamed out: the
/// MatMulNBits layout, fp32 scales [N, k_blocks], packed zero points [N, ceil(k_blocks * bits / 8)]
/// (null when symmetric) and the error report.
/// </summary>
public sealed record QuantizedTensor(
    string Name,
    BlockQuantizationOptions Options,
    MatMulNBitsLayout Layout,
    float[] Scales,
    byte[]? ZeroPoints,
    QuantizationError Error);

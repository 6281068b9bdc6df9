namespace EdgeLLM.Quantize.Conversion;

/// <summary>
/// Raised once per checkpoint tensor after it is written: the tensor's name and the checkpoint bytes
/// converted so far out of all of them (source sizes, before any quantization).
/// </summary>
public sealed record ConversionProgress(string TensorName, long BytesDone, long BytesTotal);

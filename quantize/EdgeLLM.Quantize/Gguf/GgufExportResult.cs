namespace EdgeLLM.Quantize.Gguf;

/// <summary>What <see cref="GgufExporter.Export"/> wrote: the file, its size and its tensor count.</summary>
public sealed record GgufExportResult(string Path, long ByteCount, int TensorCount);

namespace EdgeLLM.Quantize.Quantizers;

/// <summary>Receives B's packed bytes in order, a row chunk at a time (a Stream's or the external data writer's Write).</summary>
public delegate void PackedBytesSink(ReadOnlySpan<byte> packed);

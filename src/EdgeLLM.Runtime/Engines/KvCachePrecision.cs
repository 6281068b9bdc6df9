namespace EdgeLLM.Runtime.Engines;

/// <summary>
/// <c>--kv-cache</c> for the CPU engine: auto (fp16 for int4/int8 folders, fp32 for fp32/fp16 ones),
/// fp32 or fp16. ONNX Runtime's cache follows the graph's declared type.
/// </summary>
public enum KvCachePrecision
{
    Auto,
    Float32,
    Float16,
}

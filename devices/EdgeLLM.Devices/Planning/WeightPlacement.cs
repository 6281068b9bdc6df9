namespace EdgeLLM.Devices.Planning;

/// <summary>Where the weights live while the model runs.</summary>
public enum WeightPlacement
{
    /// <summary>CPU provider: MatMul weights prepacked on the heap, the rest memory-mapped from the file.</summary>
    CpuPrepacked,

    /// <summary>
    /// EdgeLLM's CPU engine: every weight read in place from the mapped model file: file pages (shared,
    /// evictable), none on the heap; the KV cache is fp16 for int4/int8 models.
    /// </summary>
    CpuMapped,

    /// <summary>GPU provider: all weights copied to device memory.</summary>
    Gpu,
}

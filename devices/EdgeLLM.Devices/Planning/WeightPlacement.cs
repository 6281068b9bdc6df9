namespace EdgeLLM.Devices.Planning;

/// <summary>Where the weights live while the model runs.</summary>
public enum WeightPlacement
{
    /// <summary>CPU provider: MatMul weights prepacked on the heap, the rest memory-mapped from the file.</summary>
    CpuPrepacked,

    /// <summary>GPU provider: all weights copied to device memory.</summary>
    Gpu,
}

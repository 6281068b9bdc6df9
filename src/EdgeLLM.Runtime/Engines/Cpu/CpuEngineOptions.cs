using EdgeLLM.Runtime.Engines.Cpu.Kernels;

namespace EdgeLLM.Runtime.Engines.Cpu;

/// <summary>How to open a <see cref="CpuEngine"/>.</summary>
public sealed record CpuEngineOptions
{
    /// <summary>KV cache capacity in tokens (allocated once).</summary>
    public required int ContextLength { get; init; }

    /// <summary>Worker threads, the caller's included; 0 = one per logical processor.</summary>
    public int Threads { get; init; }

    /// <summary>Prompt tokens per forward pass (bounds the activation buffers); 0 = the engine's default.</summary>
    public int PrefillChunk { get; init; }

    public KvCachePrecision KvCache { get; init; }

    /// <summary>The kernels to use; null detects the best the CPU and OS enable.</summary>
    public KernelSet? Kernels { get; init; }

    /// <summary>Sees every decoder Linear layer's input rows (a calibration run), or null.</summary>
    public ILinearInputObserver? LinearInputs { get; init; }
}

using EdgeLLM.Runtime.Engines.Cpu.Threading;

namespace EdgeLLM.Runtime.Engines.Cpu.Kernels;

/// <summary>One SwiGLU call split over intermediate rows: each worker's gate rows, its up rows, then silu(gate) · up of those rows.</summary>
internal unsafe struct GateUpWork : IRangeWork
{
    public LinearWork Gate;
    public LinearWork Up;
    public float* Activated;

    public void Execute(int start, int end)
    {
        Gate.Execute(start, end);
        Up.Execute(start, end);
        int width = end - start;
        for (int token = 0; token < Gate.TokenCount; token++)
        {
            long offset = ((long)token * Gate.OutputStride) + start;
            ActivationKernel.SiluMultiply(
                new ReadOnlySpan<float>(Gate.Output + offset, width),
                new ReadOnlySpan<float>(Up.Output + offset, width),
                new Span<float>(Activated + offset, width));
        }
    }
}

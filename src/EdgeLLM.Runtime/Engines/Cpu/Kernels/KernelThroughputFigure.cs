namespace EdgeLLM.Runtime.Engines.Cpu.Kernels;

/// <summary>
/// One matrix–vector measurement: <see cref="WeightBytes"/> (codes + scales of one matrix) streamed per call, the median
/// seconds per call, and the weight bytes streamed per second; also the process CPU seconds per call (every thread,
/// spinning included), which a shared machine disturbs less than the wall clock.
/// </summary>
public sealed record KernelThroughputFigure(
    KernelThroughputShape Shape, WeightLayout Layout, int BlockSize, int ThreadCount, string Kernels, long WeightBytes, double SecondsPerCall, double CpuSecondsPerCall)
{
    public double GigabytesPerSecond => WeightBytes / SecondsPerCall / 1e9;

    /// <summary>Weight bytes per CPU second (all threads).</summary>
    public double GigabytesPerCpuSecond => WeightBytes / CpuSecondsPerCall / 1e9;

    public override string ToString()
        => $"{Shape.Name,-13} N {Shape.OutputCount,5} K {Shape.InputCount,5} {Layout,-11} block {BlockSize,3} {ThreadCount} thread(s): "
            + $"{SecondsPerCall * 1e6,8:F1} µs/call {GigabytesPerSecond,6:F2} GB/s, {GigabytesPerCpuSecond,6:F2} GB per CPU-second ({Kernels})";
}

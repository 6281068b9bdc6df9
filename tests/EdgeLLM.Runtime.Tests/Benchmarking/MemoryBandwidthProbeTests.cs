using EdgeLLM.Runtime.Benchmarking;
using EdgeLLM.Runtime.Diagnostics;

namespace EdgeLLM.Runtime.Tests.Benchmarking;

/// <summary>In the model-folder collection so no model load runs beside the peak-RSS check.</summary>
[Collection(EdgeLLM.Runtime.Tests.Generation.ModelFoldersCollection.Name)]
public sealed class MemoryBandwidthProbeTests
{
    [Fact]
    public void ReadsTheBufferOnEveryThreadAndGivesAFiniteRate()
    {
        double bandwidth = MemoryBandwidthProbe.MeasureGBps(threads: 2, bytes: 64L << 20, passes: 2);

        Assert.True(double.IsFinite(bandwidth) && bandwidth > 0, $"bandwidth {bandwidth}");
    }

    [Fact]
    public void PeakResetLowersThePeakAfterFreeingMemory()
    {
        if (!OperatingSystem.IsLinux())
        {
            Console.WriteLine("skipped: VmHWM reset is Linux-only");
            return;
        }

        // 256 MiB resident, freed, then the peak restarts from the current (smaller) resident set.
        MemoryBandwidthProbe.MeasureGBps(threads: 1, bytes: 256L << 20, passes: 1);
        long before = ProcessMemory.PeakResidentBytes();

        Assert.True(ProcessMemory.ResetPeak());

        Assert.True(ProcessMemory.PeakResidentBytes() < before - (128L << 20), $"peak {ProcessMemory.PeakResidentBytes()} after reset, {before} before");
    }
}

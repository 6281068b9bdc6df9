using System.Runtime.InteropServices;
using EdgeLLM.Devices.Hardware;

namespace EdgeLLM.Devices.Tests.Hardware;

/// <summary>Detection on the machine running the tests, checked against what the kernel says.</summary>
public sealed class HardwareProbeTests
{
    private static readonly string[] X64FlagNames = ["avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx_vnni"];

    [Fact]
    public void OnLinuxX64_SimdFlagsAgreeWithTheCpuInfoFlagsLine()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.OSArchitecture != Architecture.X64)
        {
            return; // The check needs /proc/cpuinfo of an x64 Linux machine (CI is one).
        }

        // Independent of the parser: the first "flags" line, split by hand.
        string flagsLine = File.ReadLines("/proc/cpuinfo").First(line => line.StartsWith("flags", StringComparison.Ordinal));
        var kernelFlags = flagsLine[(flagsLine.IndexOf(':', StringComparison.Ordinal) + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();

        HardwareDescription hardware = HardwareProbe.Detect();
        IReadOnlyList<string> detected = SimdFeatureNames.ToNames(hardware.Cpu.Features);

        foreach (string flag in X64FlagNames)
        {
            Assert.True(kernelFlags.Contains(flag) == detected.Contains(flag), $"{flag}: /proc/cpuinfo says {kernelFlags.Contains(flag)}, detection says {detected.Contains(flag)}");
        }
    }

    [Fact]
    public void OnX64_TheRuntimeIntrinsicsAgreeWithCpuInfo()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.OSArchitecture != Architecture.X64)
        {
            return;
        }

        // Two independent sources (CPUID through the JIT, and the kernel) must agree on what matters for MLAS.
        SimdFeatures fromRuntime = RuntimeSimdProbe.Detect();
        SimdFeatures fromKernel = HardwareProbe.Detect().Cpu.Features;
        foreach (SimdFeatures feature in new[] { SimdFeatures.Avx2, SimdFeatures.Fma, SimdFeatures.Avx512F, SimdFeatures.Avx512BW, SimdFeatures.Avx512VL, SimdFeatures.AvxVnni })
        {
            Assert.True(fromRuntime.HasFlag(feature) == fromKernel.HasFlag(feature), $"{feature}: runtime {fromRuntime.HasFlag(feature)}, /proc/cpuinfo {fromKernel.HasFlag(feature)}");
        }
    }

    [Fact]
    public void OnLinux_MemoryAndCoresAreThoseOfThisMachine()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        HardwareDescription hardware = HardwareProbe.Detect();

        Assert.Equal("linux", hardware.OperatingSystem);
        Assert.Equal(RuntimeInformation.OSArchitecture, hardware.Cpu.Architecture);
        Assert.Equal(File.ReadLines("/proc/cpuinfo").Count(line => line.StartsWith("processor", StringComparison.Ordinal)), hardware.Cpu.LogicalCoreCount);
        Assert.InRange(hardware.Cpu.PhysicalCoreCount, 1, hardware.Cpu.LogicalCoreCount);
        Assert.InRange(hardware.Memory.AvailableBytes, 1, hardware.Memory.TotalBytes);
    }
}

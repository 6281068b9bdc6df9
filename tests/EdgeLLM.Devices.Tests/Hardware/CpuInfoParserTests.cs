using System.Runtime.InteropServices;
using EdgeLLM.Devices.Hardware;
using EdgeLLM.Format;

namespace EdgeLLM.Devices.Tests.Hardware;

public sealed class CpuInfoParserTests
{
    [Fact]
    public void RaspberryPi4_IsCortexA72_WithNeonButNoDotProd()
    {
        CpuDescription cpu = CpuInfoParser.Parse(Captures.Pi4CpuInfo);

        Assert.Equal(Architecture.Arm64, cpu.Architecture);
        Assert.Equal("ARM Cortex-A72", cpu.ModelName);
        Assert.Equal(4, cpu.PhysicalCoreCount);
        Assert.Equal(4, cpu.LogicalCoreCount);
        Assert.Equal(SimdFeatures.Neon, cpu.Features);
    }

    [Fact]
    public void RaspberryPi5_IsCortexA76_WithDotProd()
    {
        CpuDescription cpu = CpuInfoParser.Parse(Captures.Pi5CpuInfo);

        Assert.Equal(Architecture.Arm64, cpu.Architecture);
        Assert.Equal("ARM Cortex-A76", cpu.ModelName);
        Assert.Equal(4, cpu.PhysicalCoreCount);
        Assert.Equal(SimdFeatures.Neon | SimdFeatures.DotProd, cpu.Features);
    }

    [Fact]
    public void LaptopWithAvx2_CountsCoresFromCoreIds()
    {
        CpuDescription cpu = CpuInfoParser.Parse(Captures.LaptopAvx2CpuInfo);

        Assert.Equal(Architecture.X64, cpu.Architecture);
        Assert.Equal("Intel(R) Core(TM) i3-7100U CPU @ 2.40GHz", cpu.ModelName);
        Assert.Equal(2, cpu.PhysicalCoreCount);
        Assert.Equal(4, cpu.LogicalCoreCount);
        Assert.Equal(SimdFeatures.Avx | SimdFeatures.Avx2 | SimdFeatures.Fma, cpu.Features);
    }

    [Fact]
    public void LaptopWithoutAvx2_HasAvxOnly()
    {
        CpuDescription cpu = CpuInfoParser.Parse(Captures.LaptopNoAvx2CpuInfo);

        Assert.Equal(Architecture.X64, cpu.Architecture);
        Assert.Equal("Intel(R) Core(TM) i5-2520M CPU @ 2.50GHz", cpu.ModelName);
        Assert.Equal(2, cpu.PhysicalCoreCount);
        Assert.Equal(4, cpu.LogicalCoreCount);
        Assert.Equal(SimdFeatures.Avx, cpu.Features);
    }

    [Fact]
    public void BigLittleArm_NamesBothCoreTypes_AndKeepsOnlyCommonFeatures()
    {
        const string text = """
            processor	: 0
            Features	: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp
            CPU implementer	: 0x41
            CPU architecture: 8
            CPU part	: 0xd05

            processor	: 1
            Features	: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp i8mm
            CPU implementer	: 0x41
            CPU architecture: 8
            CPU part	: 0xd0b
            """;

        CpuDescription cpu = CpuInfoParser.Parse(text);

        Assert.Equal("ARM Cortex-A55 + Cortex-A76", cpu.ModelName);
        Assert.Equal(SimdFeatures.Neon | SimdFeatures.DotProd, cpu.Features);
    }

    [Fact]
    public void Avx512LaptopFlags_MapToEveryAvx512Feature()
    {
        // Ice Lake (Core i7-1065G7) flags, the SIMD part of the line.
        const string flags = "sse4_1 sse4_2 avx f16c fma avx2 avx512f avx512dq avx512ifma avx512cd avx512bw avx512vl avx512vbmi avx512_vbmi2 gfni vaes vpclmulqdq avx512_vnni avx512_bitalg avx512_vpopcntdq";

        SimdFeatures features = SimdFeatureNames.FromKernelFlags(flags);

        Assert.Equal(
            SimdFeatures.Avx | SimdFeatures.Avx2 | SimdFeatures.Fma | SimdFeatures.Avx512F | SimdFeatures.Avx512BW | SimdFeatures.Avx512VL | SimdFeatures.Avx512Vnni,
            features);
        Assert.Equal(["avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_vnni"], SimdFeatureNames.ToNames(features));
    }

    [Fact]
    public void Empty_IsRejectedWithTheFileName()
    {
        var error = Assert.Throws<EdgeLlmException>(() => CpuInfoParser.Parse("garbage without entries"));
        Assert.Contains("/proc/cpuinfo", error.Message, StringComparison.Ordinal);
    }
}

using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace EdgeLLM.Devices.Hardware;

/// <summary>
/// The SIMD features the .NET runtime reports through System.Runtime.Intrinsics (CPUID and OS
/// support, as the JIT sees them). .NET has no query for AVX-512 VNNI or i8mm, so those two are
/// never reported here; on Linux /proc/cpuinfo is read instead (see <see cref="LinuxPlatformProbe"/>).
/// </summary>
public static class RuntimeSimdProbe
{
    public static SimdFeatures Detect()
    {
        SimdFeatures features = SimdFeatures.None;
        features |= Avx.IsSupported ? SimdFeatures.Avx : SimdFeatures.None;
        features |= Avx2.IsSupported ? SimdFeatures.Avx2 : SimdFeatures.None;
        features |= Fma.IsSupported ? SimdFeatures.Fma : SimdFeatures.None;
        features |= AvxVnni.IsSupported ? SimdFeatures.AvxVnni : SimdFeatures.None;
        features |= Avx512F.IsSupported ? SimdFeatures.Avx512F : SimdFeatures.None;
        features |= Avx512BW.IsSupported ? SimdFeatures.Avx512BW : SimdFeatures.None;
        features |= Avx512F.VL.IsSupported ? SimdFeatures.Avx512VL : SimdFeatures.None;
        features |= AdvSimd.IsSupported ? SimdFeatures.Neon : SimdFeatures.None;
        features |= Dp.IsSupported ? SimdFeatures.DotProd : SimdFeatures.None;
#pragma warning disable SYSLIB5003 // Sve is marked experimental; IsSupported is only a query.
        features |= Sve.IsSupported ? SimdFeatures.Sve : SimdFeatures.None;
#pragma warning restore SYSLIB5003
        return features;
    }
}

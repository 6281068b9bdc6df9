using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace EdgeLLM.Runtime.Engines.Cpu.Kernels;

/// <summary>
/// The kernels for one instruction set, chosen once at load. Only <c>IsSupported</c> checks decide (the runtime
/// reports what the CPU and the OS enable), and AMX is never used.
/// </summary>
public sealed class KernelSet
{
    private KernelSet(KernelIsa isa, string description)
    {
        Isa = isa;
        Description = description;
        Linear = new LinearKernel(isa);
    }

    public KernelIsa Isa { get; }

    /// <summary>What runs, e.g. "AVX2+FMA int8 dot products" (shown in generate --json and bench).</summary>
    public string Description { get; }

    public LinearKernel Linear { get; }

    /// <summary>The best instruction set this machine supports.</summary>
    public static KernelSet Detect()
    {
        foreach (var isa in PreferenceOrder)
        {
            if (IsSupported(isa))
            {
                return isa == KernelIsa.Vector128 && CpuHasAvx2ThisBuildCannotUse()
                    ? new KernelSet(isa, Describe(isa) + " (this binary is built for baseline x86-64; on this CPU the linux-x64-v3 build runs the AVX2 kernels)")
                    : For(isa);
            }
        }

        return For(KernelIsa.Scalar);
    }

    /// <summary>
    /// True in a NativeAOT binary built for baseline x86-64 (where <c>Avx2.IsSupported</c> is false at compile time)
    /// running on a CPU whose CPUID reports AVX2 and FMA.
    /// </summary>
    private static bool CpuHasAvx2ThisBuildCannotUse()
    {
        if (!X86Base.IsSupported || Avx2.IsSupported)
        {
            return false;
        }

        (_, _, int featureEcx, _) = X86Base.CpuId(1, 0);
        (_, int extendedEbx, _, _) = X86Base.CpuId(7, 0);
        const int FmaBit = 1 << 12;
        const int Avx2Bit = 1 << 5;
        return (featureEcx & FmaBit) != 0 && (extendedEbx & Avx2Bit) != 0;
    }

    /// <summary>A specific instruction set (tests); throws <see cref="PlatformNotSupportedException"/> where absent.</summary>
    public static KernelSet For(KernelIsa isa)
    {
        if (!IsSupported(isa))
        {
            throw new PlatformNotSupportedException($"kernel instruction set {isa} is not supported on this machine");
        }

        return new KernelSet(isa, Describe(isa));
    }

    /// <summary>Whether <see cref="For"/> can build <paramref name="isa"/> here.</summary>
    public static bool IsSupported(KernelIsa isa) => isa switch
    {
        KernelIsa.Scalar => true,
        KernelIsa.Vector128 => Vector128.IsHardwareAccelerated,
        KernelIsa.Avx2 => Avx2.IsSupported && Fma.IsSupported,
        KernelIsa.AvxVnni => Avx2.IsSupported && Fma.IsSupported && AvxVnni.IsSupported,
        KernelIsa.AdvSimd => AdvSimd.Arm64.IsSupported,
        KernelIsa.AdvSimdDotProd => AdvSimd.Arm64.IsSupported && Dp.IsSupported,
        _ => false,
    };

    /// <summary>Every instruction set this machine supports, best last.</summary>
    public static IReadOnlyList<KernelIsa> Supported()
        => [.. Enum.GetValues<KernelIsa>().Where(IsSupported)];

    private static readonly KernelIsa[] PreferenceOrder =
    [
        KernelIsa.Avx512Vnni, KernelIsa.Avx512, KernelIsa.AvxVnni, KernelIsa.Avx2,
        KernelIsa.AdvSimdDotProd, KernelIsa.AdvSimd, KernelIsa.Vector128,
    ];

    private static string Describe(KernelIsa isa) => isa switch
    {
        KernelIsa.Scalar => "scalar reference kernels",
        KernelIsa.Vector128 => "portable 128-bit SIMD int8 dot products",
        KernelIsa.Avx2 => Avx512BW.VL.IsSupported
            ? "AVX2+FMA int8 dot products, AVX-512 encoded (32 vector registers)"
            : "AVX2+FMA int8 dot products",
        KernelIsa.AvxVnni => "AVX-VNNI int8 dot products",
        KernelIsa.Avx512 => "AVX-512 BW int8 dot products",
        KernelIsa.Avx512Vnni => "AVX-512 VNNI int8 dot products",
        KernelIsa.AdvSimd => "ARM64 AdvSimd int8 dot products (smull/smlal)",
        KernelIsa.AdvSimdDotProd => "ARM64 AdvSimd sdot int8 dot products",
        _ => isa.ToString(),
    };
}

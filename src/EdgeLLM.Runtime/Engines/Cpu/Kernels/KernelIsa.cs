namespace EdgeLLM.Runtime.Engines.Cpu.Kernels;

/// <summary>The instruction sets a <see cref="KernelSet"/> can be built for.</summary>
public enum KernelIsa
{
    /// <summary>Plain C#: the reference every other path is tested against.</summary>
    Scalar,

    /// <summary>Portable <c>Vector128</c> code (any 128-bit SIMD the runtime accelerates).</summary>
    Vector128,

    /// <summary>x64 AVX2 + FMA, int8 dot products through <c>vpmaddubsw</c>.</summary>
    Avx2,

    /// <summary>x64 AVX-VNNI (<c>vpdpbusd</c> on 256-bit vectors).</summary>
    AvxVnni,

    /// <summary>x64 AVX-512 F/BW (512-bit <c>vpmaddubsw</c>).</summary>
    Avx512,

    /// <summary>x64 AVX-512 VNNI (not exposed by .NET 10: never supported yet).</summary>
    Avx512Vnni,

    /// <summary>ARM64 AdvSimd widening multiplies (<c>smull</c>/<c>smlal</c>): Cortex-A72 and other cores without dot product.</summary>
    AdvSimd,

    /// <summary>ARM64 AdvSimd with the dot-product extension (<c>sdot</c>): Cortex-A55/A76 and later.</summary>
    AdvSimdDotProd,
}

namespace EdgeLLM.Devices.Hardware;

/// <summary>
/// The instruction-set extensions that decide which ONNX Runtime (MLAS) kernels run:
/// x64 MatMulNBits needs AVX2 for any fast path, then prefers AVX-VNNI, AVX-512 and AVX-512 VNNI;
/// ARM64 uses NEON, with dotprod and i8mm for the int8-compute paths.
/// </summary>
[Flags]
public enum SimdFeatures
{
    None = 0,
    Avx = 1 << 0,
    Avx2 = 1 << 1,
    Fma = 1 << 2,
    AvxVnni = 1 << 3,
    Avx512F = 1 << 4,
    Avx512BW = 1 << 5,
    Avx512VL = 1 << 6,
    Avx512Vnni = 1 << 7,
    Neon = 1 << 8,
    DotProd = 1 << 9,
    I8mm = 1 << 10,
    Sve = 1 << 11,
}

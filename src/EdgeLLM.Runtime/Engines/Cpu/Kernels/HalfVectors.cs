using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace EdgeLLM.Runtime.Engines.Cpu.Kernels;

/// <summary>
/// fp16 → fp32 on vectors with integer operations (exact for every half, subnormals, infinities and NaN included):
/// shift exponent and mantissa into place, rebias the exponent, fix up Inf/NaN and renormalise subnormals.
/// </summary>
internal static class HalfVectors
{
    private const uint ExponentMask = 0x7C00u << 13;
    private const uint Rebias = (127 - 15) << 23;
    private const uint SubnormalMagic = 113u << 23;
    private static readonly float TwoToThe112 = BitConverter.Int32BitsToSingle((127 + 112) << 23);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ToSingle(Vector256<uint> half)
    {
        Vector256<uint> sign = (half & Vector256.Create(0x8000u)) << 16;
        Vector256<uint> magnitude = (half & Vector256.Create(0x7FFFu)) << 13;
        Vector256<uint> exponent = magnitude & Vector256.Create(ExponentMask);
        magnitude += Vector256.Create(Rebias);
        magnitude += Vector256.Equals(exponent, Vector256.Create(ExponentMask)) & Vector256.Create(Rebias);
        Vector256<float> subnormal = (magnitude + Vector256.Create(1u << 23)).AsSingle() - Vector256.Create(SubnormalMagic).AsSingle();
        Vector256<uint> isSubnormal = Vector256.Equals(exponent, Vector256<uint>.Zero);
        return (Vector256.ConditionalSelect(isSubnormal, subnormal.AsUInt32(), magnitude) | sign).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> ToSingle(Vector128<uint> half)
    {
        Vector128<uint> sign = (half & Vector128.Create(0x8000u)) << 16;
        Vector128<uint> magnitude = (half & Vector128.Create(0x7FFFu)) << 13;
        Vector128<uint> exponent = magnitude & Vector128.Create(ExponentMask);
        magnitude += Vector128.Create(Rebias);
        magnitude += Vector128.Equals(exponent, Vector128.Create(ExponentMask)) & Vector128.Create(Rebias);
        Vector128<float> subnormal = (magnitude + Vector128.Create(1u << 23)).AsSingle() - Vector128.Create(SubnormalMagic).AsSingle();
        Vector128<uint> isSubnormal = Vector128.Equals(exponent, Vector128<uint>.Zero);
        return (Vector128.ConditionalSelect(isSubnormal, subnormal.AsUInt32(), magnitude) | sign).AsSingle();
    }

    /// <summary>
    /// fp16 → fp32 in fewer operations, for block scales (a decode step widens one per 32 weights): the half's magnitude
    /// bits moved into place read as an fp32 that is 2^-112 times the half (normal halves land on normal floats,
    /// subnormal halves on subnormal floats, with every mantissa bit), so one multiplication by 2^112 makes it exact;
    /// infinities and NaN (exponent all ones) take the fp32 all-ones exponent. Exact for every half, like
    /// <see cref="ToSingle(Vector256{uint})"/>; a subnormal half feeds a subnormal fp32 into the multiplication, which some
    /// CPUs run slowly, so the KV cache keeps the integer-only conversion.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ToSingleByScaling(Vector256<uint> half)
    {
        Vector256<uint> sign = (half & Vector256.Create(0x8000u)) << 16;
        Vector256<uint> magnitude = (half & Vector256.Create(0x7FFFu)) << 13;
        Vector256<float> scaled = magnitude.AsSingle() * Vector256.Create(TwoToThe112);
        Vector256<uint> infinityOrNaN = Vector256.GreaterThanOrEqual(magnitude, Vector256.Create(ExponentMask));
        return (Vector256.ConditionalSelect(infinityOrNaN, magnitude | Vector256.Create(0x7F800000u), scaled.AsUInt32()) | sign).AsSingle();
    }

    /// <summary>Eight halves at <paramref name="source"/> as fp32 (<see cref="ToSingleByScaling"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector256<float> Load8ByScaling(Half* source) => ToSingleByScaling(Widen8(source));

    /// <summary>Eight halves at <paramref name="source"/> as fp32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector256<float> Load8(Half* source) => ToSingle(Widen8(source));

    /// <summary>Eight halves' bits at <paramref name="source"/>, one per 32-bit lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector256<uint> Widen8(Half* source) => Vector256.WidenLower(Vector128.Load((ushort*)source).ToVector256Unsafe());

    /// <summary>Four halves at <paramref name="source"/> as fp32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector128<float> Load4(Half* source)
        => ToSingle(Vector128.WidenLower(Vector128.CreateScalar(*(ulong*)source).AsUInt16()));
}

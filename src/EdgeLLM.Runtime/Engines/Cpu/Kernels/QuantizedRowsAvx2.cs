using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeLLM.Runtime.Engines.Cpu.Kernels;

/// <summary>
/// AVX2 block-quantized rows, four rows per pass so each activation load serves all four. A step is 32 weight bytes
/// (64 inputs for 4 bits, 32 for 8): <c>vpmaddubsw</c> (unsigned weight × signed activation, adjacent pairs to int16)
/// then <c>vpmaddwd</c> with ones gives 8 int32 lanes; each lane is scaled by its block's activation × weight scale
/// and accumulated in fp32. 4-bit: codes 0..15 multiply directly (pairs ≤ 3810, no saturation) and 8 × the lane's
/// activation code sum is subtracted in int32 (the symmetric zero point, exact). 8-bit: weights are re-centred
/// (q ^ 0x80 = q − 128) and multiplied with the sign trick (|w| × sign(a, w), pairs ≤ 32512). Stored zero points
/// differ from those implied ones by (zp − 8) or (zp − 128): that term is subtracted per block afterwards. With
/// AVX-VNNI the multiply-adds are <c>vpdpbusd</c>. The loops are generic over the dot product and the block-to-lane
/// pattern so the JIT compiles each combination straight-line.
/// </summary>
internal static unsafe class QuantizedRowsAvx2
{
    /// <summary>Computes rows (up to four; missing rows repeat the last) for one token; writes rowCount results.</summary>
    public static void Rows4(
        in WeightMatrix weight, int firstRow, int rowCount, float** rowScales, in QuantizedActivations activations, float* results, bool vnni)
    {
        bool int4 = weight.Layout == WeightLayout.Int4Blocks;
        int stepInputs = int4 ? 64 : 32;
        int blocksPerStep = stepInputs / weight.BlockSize;
        var rows = new RowPointers(weight, firstRow, rowCount, rowScales);
        int stepCount = weight.PaddedInputCount / stepInputs;
        int stepShift = blocksPerStep >= 1 ? 0 : System.Numerics.BitOperations.Log2((uint)(weight.BlockSize / stepInputs));
        Vector256<float> sums = (int4, vnni, blocksPerStep) switch
        {
            (true, false, 4) => Int4<MultiplyAdd, FourBlocks>(rows, activations, stepCount, 0),
            (true, false, 2) => Int4<MultiplyAdd, TwoBlocks>(rows, activations, stepCount, 0),
            (true, false, _) => Int4<MultiplyAdd, OneBlock>(rows, activations, stepCount, stepShift),
            (true, true, 4) => Int4<Vnni, FourBlocks>(rows, activations, stepCount, 0),
            (true, true, 2) => Int4<Vnni, TwoBlocks>(rows, activations, stepCount, 0),
            (true, true, _) => Int4<Vnni, OneBlock>(rows, activations, stepCount, stepShift),
            (false, false, 2) => Int8<MultiplyAdd, TwoBlocks>(rows, activations, stepCount, 0),
            (false, false, _) => Int8<MultiplyAdd, OneBlock>(rows, activations, stepCount, stepShift),
            (false, true, 2) => Int8<Vnni, TwoBlocks>(rows, activations, stepCount, 0),
            (false, true, _) => Int8<Vnni, OneBlock>(rows, activations, stepCount, stepShift),
        };

        // Blocks after the last whole step (block sizes below one step with an odd block count), then stored zero points.
        int firstTailBlock = stepCount * stepInputs / weight.BlockSize;
        int impliedZeroPoint = int4 ? 8 : 128;
        for (int i = 0; i < rowCount; i++)
        {
            results[i] = sums[i] + Tail(weight, firstRow + i, rowScales[i], activations, firstTailBlock, impliedZeroPoint);
        }
    }

    /// <summary>4-bit steps; returns the four rows' sums in lanes 0..3.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Vector256<float> Int4<TDot, TLanes>(in RowPointers rows, in QuantizedActivations activations, int stepCount, int stepShift)
        where TDot : struct, IStepDot
        where TLanes : struct, IScaleLanes
    {
        byte* w0 = rows.W0, w1 = rows.W1, w2 = rows.W2, w3 = rows.W3;
        float* s0 = rows.S0, s1 = rows.S1, s2 = rows.S2, s3 = rows.S3;
        sbyte* codes = activations.Codes;
        float* laneScales = activations.LaneScales;
        int* laneZeroPointSums = activations.LaneZeroPointSums;
        Vector256<float> acc0 = Vector256<float>.Zero, acc1 = Vector256<float>.Zero, acc2 = Vector256<float>.Zero, acc3 = Vector256<float>.Zero;
        Vector256<byte> mask = Vector256.Create((byte)0x0F);
        for (int step = 0; step < stepCount; step++)
        {
            Vector256<sbyte> even = Vector256.Load(codes + (step * 64));
            Vector256<sbyte> odd = Vector256.Load(codes + (step * 64) + 32);
            Vector256<int> bias = Vector256.Load(laneZeroPointSums + (step * 8));
            Vector256<float> lanes = Vector256.Load(laneScales + (step * 8));
            int offset = step * 32;
            Vector256<byte> p0 = Vector256.Load(w0 + offset);
            Vector256<byte> p1 = Vector256.Load(w1 + offset);
            Vector256<byte> p2 = Vector256.Load(w2 + offset);
            Vector256<byte> p3 = Vector256.Load(w3 + offset);
            Vector256<int> d0 = TDot.Nibbles(p0 & mask, Avx2.ShiftRightLogical(p0.AsUInt16(), 4).AsByte() & mask, even, odd) - bias;
            Vector256<int> d1 = TDot.Nibbles(p1 & mask, Avx2.ShiftRightLogical(p1.AsUInt16(), 4).AsByte() & mask, even, odd) - bias;
            Vector256<int> d2 = TDot.Nibbles(p2 & mask, Avx2.ShiftRightLogical(p2.AsUInt16(), 4).AsByte() & mask, even, odd) - bias;
            Vector256<int> d3 = TDot.Nibbles(p3 & mask, Avx2.ShiftRightLogical(p3.AsUInt16(), 4).AsByte() & mask, even, odd) - bias;
            acc0 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(d0), lanes * TLanes.Load(s0, step, stepShift), acc0);
            acc1 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(d1), lanes * TLanes.Load(s1, step, stepShift), acc1);
            acc2 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(d2), lanes * TLanes.Load(s2, step, stepShift), acc2);
            acc3 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(d3), lanes * TLanes.Load(s3, step, stepShift), acc3);
        }

        return HorizontalSums(acc0, acc1, acc2, acc3);
    }

    /// <summary>8-bit steps; returns the four rows' sums in lanes 0..3.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Vector256<float> Int8<TDot, TLanes>(in RowPointers rows, in QuantizedActivations activations, int stepCount, int stepShift)
        where TDot : struct, IStepDot
        where TLanes : struct, IScaleLanes
    {
        byte* w0 = rows.W0, w1 = rows.W1, w2 = rows.W2, w3 = rows.W3;
        float* s0 = rows.S0, s1 = rows.S1, s2 = rows.S2, s3 = rows.S3;
        sbyte* codes = activations.Codes;
        float* laneScales = activations.LaneScales;
        Vector256<float> acc0 = Vector256<float>.Zero, acc1 = Vector256<float>.Zero, acc2 = Vector256<float>.Zero, acc3 = Vector256<float>.Zero;
        Vector256<byte> centre = Vector256.Create((byte)0x80);
        for (int step = 0; step < stepCount; step++)
        {
            Vector256<sbyte> a = Vector256.Load(codes + (step * 32));
            Vector256<float> lanes = Vector256.Load(laneScales + (step * 8));
            int offset = step * 32;
            Vector256<int> d0 = TDot.Centred((Vector256.Load(w0 + offset) ^ centre).AsSByte(), a);
            Vector256<int> d1 = TDot.Centred((Vector256.Load(w1 + offset) ^ centre).AsSByte(), a);
            Vector256<int> d2 = TDot.Centred((Vector256.Load(w2 + offset) ^ centre).AsSByte(), a);
            Vector256<int> d3 = TDot.Centred((Vector256.Load(w3 + offset) ^ centre).AsSByte(), a);
            acc0 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(d0), lanes * TLanes.Load(s0, step, stepShift), acc0);
            acc1 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(d1), lanes * TLanes.Load(s1, step, stepShift), acc1);
            acc2 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(d2), lanes * TLanes.Load(s2, step, stepShift), acc2);
            acc3 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(d3), lanes * TLanes.Load(s3, step, stepShift), acc3);
        }

        return HorizontalSums(acc0, acc1, acc2, acc3);
    }

    /// <summary>Lane i (0..3) = the sum of the eight lanes of acc i.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> HorizontalSums(Vector256<float> acc0, Vector256<float> acc1, Vector256<float> acc2, Vector256<float> acc3)
    {
        Vector256<float> h01 = Avx.HorizontalAdd(acc0, acc1); // a01 a23 b01 b23 | a45 a67 b45 b67
        Vector256<float> h23 = Avx.HorizontalAdd(acc2, acc3);
        Vector256<float> h = Avx.HorizontalAdd(h01, h23);      // a0-3 b0-3 c0-3 d0-3 | a4-7 b4-7 c4-7 d4-7
        return (h.GetLower() + h.GetUpper()).ToVector256Unsafe();
    }

    /// <summary>Blocks from <paramref name="firstBlock"/> on (scalar), minus the stored zero points' extra term before it.</summary>
    private static float Tail(in WeightMatrix weight, int row, float* scales, in QuantizedActivations activations, int firstBlock, int impliedZeroPoint)
    {
        float sum = firstBlock < weight.BlockCount ? QuantizedRowsScalar.Row(weight, row, scales, activations, firstBlock) : 0f;
        if (weight.ZeroPoints == 0)
        {
            return sum;
        }

        float correction = 0;
        int blockEnd = Math.Min(firstBlock, weight.BlockCount);
        for (int block = 0; block < blockEnd; block++)
        {
            correction += scales[block] * (weight.ZeroPoint(row, block) - impliedZeroPoint) * activations.BlockScaledSums[block];
        }

        return sum - correction;
    }

    /// <summary>The four rows' weight bytes and fp32 scales (missing rows repeat the last).</summary>
    private readonly struct RowPointers
    {
        public RowPointers(in WeightMatrix weight, int firstRow, int rowCount, float** rowScales)
        {
            int rowBytes = weight.RowBytes;
            byte* values = (byte*)weight.Values + ((long)firstRow * rowBytes);
            W0 = values;
            W1 = values + ((long)Math.Min(1, rowCount - 1) * rowBytes);
            W2 = values + ((long)Math.Min(2, rowCount - 1) * rowBytes);
            W3 = values + ((long)Math.Min(3, rowCount - 1) * rowBytes);
            S0 = rowScales[0];
            S1 = rowScales[Math.Min(1, rowCount - 1)];
            S2 = rowScales[Math.Min(2, rowCount - 1)];
            S3 = rowScales[Math.Min(3, rowCount - 1)];
        }

        public byte* W0 { get; }

        public byte* W1 { get; }

        public byte* W2 { get; }

        public byte* W3 { get; }

        public float* S0 { get; }

        public float* S1 { get; }

        public float* S2 { get; }

        public float* S3 { get; }
    }

    /// <summary>An int8 multiply-add of one step into 8 int32 lanes.</summary>
    private interface IStepDot
    {
        /// <summary>low × even + high × odd (unsigned nibbles × signed codes).</summary>
        static abstract Vector256<int> Nibbles(Vector256<byte> low, Vector256<byte> high, Vector256<sbyte> even, Vector256<sbyte> odd);

        /// <summary>w × a for signed (re-centred) weights.</summary>
        static abstract Vector256<int> Centred(Vector256<sbyte> weights, Vector256<sbyte> activations);
    }

    private readonly struct MultiplyAdd : IStepDot
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Nibbles(Vector256<byte> low, Vector256<byte> high, Vector256<sbyte> even, Vector256<sbyte> odd)
            => Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(low, even) + Avx2.MultiplyAddAdjacent(high, odd), Vector256.Create((short)1));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Centred(Vector256<sbyte> weights, Vector256<sbyte> activations)
            => Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(Avx2.Abs(weights), Avx2.Sign(activations, weights)), Vector256.Create((short)1));
    }

    private readonly struct Vnni : IStepDot
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Nibbles(Vector256<byte> low, Vector256<byte> high, Vector256<sbyte> even, Vector256<sbyte> odd)
            => AvxVnni.MultiplyWideningAndAdd(AvxVnni.MultiplyWideningAndAdd(Vector256<int>.Zero, low, even), high, odd);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Centred(Vector256<sbyte> weights, Vector256<sbyte> activations)
            => AvxVnni.MultiplyWideningAndAdd(Vector256<int>.Zero, Avx2.Abs(weights), Avx2.Sign(activations, weights));
    }

    /// <summary>The weight scale of each of a step's 8 lanes.</summary>
    private interface IScaleLanes
    {
        static abstract Vector256<float> Load(float* scales, int step, int stepShift);
    }

    /// <summary>Four blocks per step, two lanes each.</summary>
    private readonly struct FourBlocks : IScaleLanes
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Load(float* scales, int step, int stepShift)
            => Avx2.PermuteVar8x32(Vector128.Load(scales + (step * 4)).ToVector256Unsafe(), Vector256.Create(0, 0, 1, 1, 2, 2, 3, 3));
    }

    /// <summary>Two blocks per step, four lanes each.</summary>
    private readonly struct TwoBlocks : IScaleLanes
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Load(float* scales, int step, int stepShift)
            => Avx2.PermuteVar8x32(Vector128.CreateScalar(*(double*)(scales + (step * 2))).AsSingle().ToVector256Unsafe(), Vector256.Create(0, 0, 0, 0, 1, 1, 1, 1));
    }

    /// <summary>One block per 2^stepShift steps.</summary>
    private readonly struct OneBlock : IScaleLanes
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Load(float* scales, int step, int stepShift) => Vector256.Create(scales[step >> stepShift]);
    }
}

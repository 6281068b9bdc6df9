using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeLLM.Runtime.Engines.Cpu.Kernels;

/// <summary>
/// AVX2 block-quantized rows, four rows per pass so each activation load serves all four. A step is 32 weight bytes
/// (64 inputs for 4 bits, 32 for 8): <c>vpmaddubsw</c> (unsigned weight × signed activation, adjacent pairs to int16)
/// then <c>vpmaddwd</c> with ones gives 8 int32 lanes; each lane is scaled by its block's activation × weight scale
/// and accumulated in fp32. 4-bit: codes 0..15 multiply directly (pairs ≤ 3810, no saturation) and the zero point is
/// subtracted afterwards through the block code sums. 8-bit: weights are re-centred (q ^ 0x80 = q − 128) and multiplied
/// with the sign trick (|w| × sign(a, w), pairs ≤ 32512), the zero point then being zp − 128. With AVX-VNNI the
/// multiply-adds are one <c>vpdpbusd</c>.
/// </summary>
internal static unsafe class QuantizedRowsAvx2
{
    /// <summary>Computes rows (up to four; missing rows repeat the last) for one token; writes rowCount results.</summary>
    public static void Rows4(
        in WeightMatrix weight, int firstRow, int rowCount, float** rowScales, in QuantizedActivations activations, float* results, bool vnni)
    {
        int rowBytes = weight.RowBytes;
        byte* values = (byte*)weight.Values;
        byte* w0 = values + ((long)firstRow * rowBytes);
        byte* w1 = values + ((long)(firstRow + Math.Min(1, rowCount - 1)) * rowBytes);
        byte* w2 = values + ((long)(firstRow + Math.Min(2, rowCount - 1)) * rowBytes);
        byte* w3 = values + ((long)(firstRow + Math.Min(3, rowCount - 1)) * rowBytes);
        float* s0 = rowScales[0];
        float* s1 = rowScales[Math.Min(1, rowCount - 1)];
        float* s2 = rowScales[Math.Min(2, rowCount - 1)];
        float* s3 = rowScales[Math.Min(3, rowCount - 1)];
        bool int4 = weight.Layout == WeightLayout.Int4Blocks;
        int stepInputs = int4 ? 64 : 32;
        int stepCount = weight.PaddedInputCount / stepInputs;
        int blockSize = weight.BlockSize;

        // How a step's 8 lanes map to blocks: 4 blocks (two lanes each), 2 blocks (four lanes each) or one block.
        int blocksPerStep = stepInputs / blockSize;
        int stepShift = blocksPerStep >= 1 ? 0 : System.Numerics.BitOperations.Log2((uint)(blockSize / stepInputs));
        Vector256<int> pattern = blocksPerStep == 4 ? Vector256.Create(0, 0, 1, 1, 2, 2, 3, 3) : Vector256.Create(0, 0, 0, 0, 1, 1, 1, 1);

        Vector256<float> acc0 = Vector256<float>.Zero, acc1 = Vector256<float>.Zero, acc2 = Vector256<float>.Zero, acc3 = Vector256<float>.Zero;
        sbyte* codes = activations.Codes;
        float* laneScales = activations.LaneScales;
        for (int step = 0; step < stepCount; step++)
        {
            Vector256<float> lanes = Vector256.Load(laneScales + (step * 8));
            int offset = step * 32;
            Vector256<int> d0, d1, d2, d3;
            if (int4)
            {
                Vector256<sbyte> even = Vector256.Load(codes + (step * 64));
                Vector256<sbyte> odd = Vector256.Load(codes + (step * 64) + 32);
                d0 = Int4Dot(Vector256.Load(w0 + offset), even, odd, vnni);
                d1 = Int4Dot(Vector256.Load(w1 + offset), even, odd, vnni);
                d2 = Int4Dot(Vector256.Load(w2 + offset), even, odd, vnni);
                d3 = Int4Dot(Vector256.Load(w3 + offset), even, odd, vnni);
            }
            else
            {
                Vector256<sbyte> a = Vector256.Load(codes + offset);
                d0 = Int8Dot(Vector256.Load(w0 + offset), a, vnni);
                d1 = Int8Dot(Vector256.Load(w1 + offset), a, vnni);
                d2 = Int8Dot(Vector256.Load(w2 + offset), a, vnni);
                d3 = Int8Dot(Vector256.Load(w3 + offset), a, vnni);
            }

            acc0 = ScaleAdd(d0, lanes * WeightLanes(s0, step, blocksPerStep, stepShift, pattern), acc0);
            acc1 = ScaleAdd(d1, lanes * WeightLanes(s1, step, blocksPerStep, stepShift, pattern), acc1);
            acc2 = ScaleAdd(d2, lanes * WeightLanes(s2, step, blocksPerStep, stepShift, pattern), acc2);
            acc3 = ScaleAdd(d3, lanes * WeightLanes(s3, step, blocksPerStep, stepShift, pattern), acc3);
        }

        // Blocks after the last whole step (block sizes below one step with an odd block count), then zero points.
        int firstTailBlock = stepCount * stepInputs / blockSize;
        int zeroPointOffset = int4 ? 0 : 128;
        float r0 = Vector256.Sum(acc0) + Tail(weight, firstRow, s0, activations, firstTailBlock, zeroPointOffset);
        results[0] = r0;
        if (rowCount > 1)
        {
            results[1] = Vector256.Sum(acc1) + Tail(weight, firstRow + 1, s1, activations, firstTailBlock, zeroPointOffset);
        }

        if (rowCount > 2)
        {
            results[2] = Vector256.Sum(acc2) + Tail(weight, firstRow + 2, s2, activations, firstTailBlock, zeroPointOffset);
        }

        if (rowCount > 3)
        {
            results[3] = Vector256.Sum(acc3) + Tail(weight, firstRow + 3, s3, activations, firstTailBlock, zeroPointOffset);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ScaleAdd(Vector256<int> dot, Vector256<float> scale, Vector256<float> acc)
        => Fma.MultiplyAdd(Avx.ConvertToVector256Single(dot), scale, acc);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Int4Dot(Vector256<byte> packed, Vector256<sbyte> even, Vector256<sbyte> odd, bool vnni)
    {
        Vector256<byte> mask = Vector256.Create((byte)0x0F);
        Vector256<byte> low = packed & mask;
        Vector256<byte> high = Avx2.ShiftRightLogical(packed.AsUInt16(), 4).AsByte() & mask;
        if (vnni)
        {
            return AvxVnni.MultiplyWideningAndAdd(AvxVnni.MultiplyWideningAndAdd(Vector256<int>.Zero, low, even), high, odd);
        }

        Vector256<short> pairs = Avx2.Add(Avx2.MultiplyAddAdjacent(low, even), Avx2.MultiplyAddAdjacent(high, odd));
        return Avx2.MultiplyAddAdjacent(pairs, Vector256.Create((short)1));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Int8Dot(Vector256<byte> packed, Vector256<sbyte> activations, bool vnni)
    {
        Vector256<sbyte> centred = (packed ^ Vector256.Create((byte)0x80)).AsSByte();
        if (vnni)
        {
            return AvxVnni.MultiplyWideningAndAdd(Vector256<int>.Zero, Avx2.Abs(centred), Avx2.Sign(activations, centred));
        }

        Vector256<short> pairs = Avx2.MultiplyAddAdjacent(Avx2.Abs(centred), Avx2.Sign(activations, centred));
        return Avx2.MultiplyAddAdjacent(pairs, Vector256.Create((short)1));
    }

    /// <summary>The weight scale of each of a step's 8 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> WeightLanes(float* scales, int step, int blocksPerStep, int stepShift, Vector256<int> pattern)
    {
        if (blocksPerStep == 4)
        {
            return Avx2.PermuteVar8x32(Vector128.Load(scales + (step * 4)).ToVector256Unsafe(), pattern);
        }

        if (blocksPerStep == 2)
        {
            return Avx2.PermuteVar8x32(Vector128.CreateScalar(*(double*)(scales + (step * 2))).AsSingle().ToVector256Unsafe(), pattern);
        }

        return Vector256.Create(scales[step >> stepShift]);
    }

    /// <summary>Blocks from <paramref name="firstBlock"/> on (scalar), minus the zero-point term of every block.</summary>
    private static float Tail(in WeightMatrix weight, int row, float* scales, in QuantizedActivations activations, int firstBlock, int zeroPointOffset)
    {
        float sum = firstBlock < weight.BlockCount ? QuantizedRowsScalar.Row(weight, row, scales, activations, firstBlock) : 0f;
        float correction = 0;
        int blockEnd = Math.Min(firstBlock, weight.BlockCount);
        for (int block = 0; block < blockEnd; block++)
        {
            correction += scales[block] * (weight.ZeroPoint(row, block) - zeroPointOffset) * activations.BlockScaledSums[block];
        }

        return sum - correction;
    }
}

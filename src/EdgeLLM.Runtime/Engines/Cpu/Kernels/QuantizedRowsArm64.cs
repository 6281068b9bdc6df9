using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace EdgeLLM.Runtime.Engines.Cpu.Kernels;

/// <summary>
/// ARM64 block-quantized rows, four rows per pass so each activation load serves all four, every token of the call
/// over the same four rows while they are in L1. A step is 16 weight bytes (32 inputs for 4 bits, 16 for 8). With the
/// dot-product extension (Cortex-A76 and later: Raspberry Pi 5) each step is <c>sdot</c>s into four int32 lanes;
/// without it (Cortex-A72: Raspberry Pi 4) <c>smull</c>/<c>smlal</c> to int16 and pairwise widening adds. 4-bit codes
/// 0..15 multiply as they are (|low × even + high × odd| ≤ 3810 per int16 lane); 8-bit weights are re-centred
/// (q ^ 0x80 = q − 128, |product| ≤ 16,256, two per int16 lane ≤ 32,512). Per block the four rows' exact int32 dot
/// products come out of pairwise adds, minus (zero point − centre) × the block's code sum, and are scaled by weight ×
/// activation scale in fp32. 4-bit blocks of 16 are two blocks per step: the lanes of each half step stay apart.
/// </summary>
internal static unsafe class QuantizedRowsArm64
{
    private const int RowsPerPass = 4;

    /// <summary>
    /// Rows [<paramref name="first"/>, <paramref name="last"/>) for every token of <paramref name="scratch"/>, written
    /// to output[token · outputStride + row − firstOutput]. Every block layout, block size and zero-point form.
    /// </summary>
    public static void Range(
        in WeightMatrix weight, int first, int last, int firstOutput, LinearScratch scratch, int tokenCount, float* output, int outputStride,
        bool dotProduct)
    {
        if (dotProduct)
        {
            Range<SignedDot>(weight, first, last, firstOutput, scratch, tokenCount, output, outputStride);
        }
        else
        {
            Range<WideningDot>(weight, first, last, firstOutput, scratch, tokenCount, output, outputStride);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Range<TDot>(
        in WeightMatrix weight, int first, int last, int firstOutput, LinearScratch scratch, int tokenCount, float* output, int outputStride)
        where TDot : struct, IStepDot
    {
        bool int4 = weight.Layout == WeightLayout.Int4Blocks;
        int blockCount = weight.BlockCount;
        int stepInputs = int4 ? 32 : 16;
        int stepCount = weight.PaddedInputCount / stepInputs;

        // 4-bit blocks of 16 in an odd count leave one 8-byte block after the last whole step: it runs scalar.
        int stepBlocks = stepCount * stepInputs / weight.BlockSize;
        var pass = new Pass
        {
            Weight = weight,
            Int4 = int4,
            StepCount = stepCount,
            StepBlocks = stepBlocks,
            StepsPerBlock = Math.Max(1, weight.BlockSize / stepInputs),
            NibbleGroupSteps = (weight.PaddedInputCount & ~63) / 32,
            Centre = int4 ? 0 : 128,
        };
        float* scales = stackalloc float[RowsPerPass * blockCount];
        int* zeroPoints = stackalloc int[weight.ZeroPoints == 0 ? 0 : RowsPerPass * blockCount];
        float* widened = stackalloc float[weight.ScalesAreHalf ? blockCount : 0];
        pass.Scales = scales;
        pass.Widened = widened;
        pass.ZeroPoints = weight.ZeroPoints == 0 ? null : zeroPoints;

        for (int row = first; row < last; row += RowsPerPass)
        {
            int rowCount = Math.Min(RowsPerPass, last - row);
            pass.Arrange(row, rowCount);
            for (int token = 0; token < tokenCount; token++)
            {
                var activations = QuantizedActivations.ForToken(scratch, token);
                Vector128<float> sums = int4 && weight.BlockSize == 16
                    ? TwoBlocksPerStep<TDot>(pass, activations)
                    : WholeSteps<TDot>(pass, activations);
                float* y = output + ((long)token * outputStride) + (row - firstOutput);
                if (rowCount == RowsPerPass)
                {
                    sums.Store(y);
                }
                else
                {
                    for (int i = 0; i < rowCount; i++)
                    {
                        y[i] = sums.GetElement(i);
                    }
                }

                if (stepBlocks < blockCount)
                {
                    for (int i = 0; i < rowCount; i++)
                    {
                        y[i] += pass.Tail(i, activations);
                    }
                }
            }
        }
    }

    /// <summary>Blocks of one or more whole steps: each block's four int32 sums, then one fp32 multiply-add.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> WholeSteps<TDot>(in Pass pass, in QuantizedActivations activations)
        where TDot : struct, IStepDot
    {
        byte* w0 = pass.W0, w1 = pass.W1, w2 = pass.W2, w3 = pass.W3;
        sbyte* codes = activations.Codes;
        int stepsPerBlock = pass.StepsPerBlock;
        var sums = Vector128<float>.Zero;
        var centre = Vector128.Create((byte)0x80);
        int step = 0;
        for (int block = 0; block < pass.StepBlocks; block++)
        {
            Vector128<int> d0 = Vector128<int>.Zero, d1 = Vector128<int>.Zero, d2 = Vector128<int>.Zero, d3 = Vector128<int>.Zero;
            for (int end = step + stepsPerBlock; step < end; step++)
            {
                int offset = step * 16;
                if (pass.Int4)
                {
                    (Vector128<sbyte> even, Vector128<sbyte> odd) = pass.NibbleCodes(codes, step);
                    d0 = TDot.Nibbles(d0, Vector128.Load(w0 + offset), even, odd);
                    d1 = TDot.Nibbles(d1, Vector128.Load(w1 + offset), even, odd);
                    d2 = TDot.Nibbles(d2, Vector128.Load(w2 + offset), even, odd);
                    d3 = TDot.Nibbles(d3, Vector128.Load(w3 + offset), even, odd);
                }
                else
                {
                    Vector128<sbyte> a = Vector128.Load(codes + offset);
                    d0 = TDot.Bytes(d0, (Vector128.Load(w0 + offset) ^ centre).AsSByte(), a);
                    d1 = TDot.Bytes(d1, (Vector128.Load(w1 + offset) ^ centre).AsSByte(), a);
                    d2 = TDot.Bytes(d2, (Vector128.Load(w2 + offset) ^ centre).AsSByte(), a);
                    d3 = TDot.Bytes(d3, (Vector128.Load(w3 + offset) ^ centre).AsSByte(), a);
                }
            }

            Vector128<int> dots = AdvSimd.Arm64.AddPairwise(AdvSimd.Arm64.AddPairwise(d0, d1), AdvSimd.Arm64.AddPairwise(d2, d3));
            sums = pass.Accumulate(sums, dots, block, activations);
        }

        return sums;
    }

    /// <summary>4-bit blocks of 16: each step's low eight bytes are one block, its high eight the next.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> TwoBlocksPerStep<TDot>(in Pass pass, in QuantizedActivations activations)
        where TDot : struct, IStepDot
    {
        byte* w0 = pass.W0, w1 = pass.W1, w2 = pass.W2, w3 = pass.W3;
        sbyte* codes = activations.Codes;
        var sums = Vector128<float>.Zero;
        for (int step = 0; step < pass.StepCount; step++)
        {
            int offset = step * 16;
            (Vector128<sbyte> even, Vector128<sbyte> odd) = pass.NibbleCodes(codes, step);

            // Lane j of each holds bytes 4j..4j+3: lanes 0-1 the first block, 2-3 the second.
            Vector128<int> d0 = TDot.NibbleQuads(Vector128.Load(w0 + offset), even, odd);
            Vector128<int> d1 = TDot.NibbleQuads(Vector128.Load(w1 + offset), even, odd);
            Vector128<int> d2 = TDot.NibbleQuads(Vector128.Load(w2 + offset), even, odd);
            Vector128<int> d3 = TDot.NibbleQuads(Vector128.Load(w3 + offset), even, odd);
            Vector128<int> rows01 = AdvSimd.Arm64.AddPairwise(d0, d1); // r0 A, r0 B, r1 A, r1 B
            Vector128<int> rows23 = AdvSimd.Arm64.AddPairwise(d2, d3);
            sums = pass.Accumulate(sums, AdvSimd.Arm64.UnzipEven(rows01, rows23), 2 * step, activations);
            sums = pass.Accumulate(sums, AdvSimd.Arm64.UnzipOdd(rows01, rows23), (2 * step) + 1, activations);
        }

        return sums;
    }

    /// <summary>One group of four rows: their weight bytes and, transposed block by block, their scales and zero points.</summary>
    private struct Pass
    {
        public required WeightMatrix Weight;
        public required bool Int4;
        public required int StepCount;
        public required int StepBlocks;
        public required int StepsPerBlock;

        /// <summary>4-bit steps inside whole nibble-order groups of 64 inputs (two steps each).</summary>
        public required int NibbleGroupSteps;

        /// <summary>What the kernel subtracts from every weight code before multiplying (128 for 8 bits).</summary>
        public required int Centre;

        /// <summary>[block][row]: the four rows' fp32 scales.</summary>
        public float* Scales;

        /// <summary>[block][row]: zero point − centre, or null for the implied zero point.</summary>
        public int* ZeroPoints;

        /// <summary>One row's fp16 scales widened (vector conversion) before they are transposed.</summary>
        public float* Widened;

        public byte* W0;
        public byte* W1;
        public byte* W2;
        public byte* W3;
        private int firstRow;

        /// <summary>Points the pass at rows [row, row + rowCount) (missing rows repeat the last) and transposes their scales.</summary>
        public void Arrange(int row, int rowCount)
        {
            firstRow = row;
            int blockCount = Weight.BlockCount;
            long rowBytes = Weight.RowBytes;
            byte* values = (byte*)Weight.Values;
            W0 = values + (row * rowBytes);
            W1 = values + ((row + Math.Min(1, rowCount - 1)) * rowBytes);
            W2 = values + ((row + Math.Min(2, rowCount - 1)) * rowBytes);
            W3 = values + ((row + Math.Min(3, rowCount - 1)) * rowBytes);
            for (int i = 0; i < RowsPerPass; i++)
            {
                int source = row + Math.Min(i, rowCount - 1);
                long at = (long)source * blockCount;
                float* single = (float*)Weight.Scales + at;
                if (Weight.ScalesAreHalf)
                {
                    HalfKernel.ToSingle(new ReadOnlySpan<Half>((Half*)Weight.Scales + at, blockCount), new Span<float>(Widened, blockCount));
                    single = Widened;
                }

                for (int block = 0; block < blockCount; block++)
                {
                    Scales[(block * RowsPerPass) + i] = single[block];
                }

                if (ZeroPoints != null)
                {
                    for (int block = 0; block < blockCount; block++)
                    {
                        ZeroPoints[(block * RowsPerPass) + i] = Weight.ZeroPoint(source, block) - Centre;
                    }
                }
            }
        }

        /// <summary>A 4-bit step's even-input and odd-input codes (nibble order).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly (Vector128<sbyte> Even, Vector128<sbyte> Odd) NibbleCodes(sbyte* codes, int step)
        {
            if (step < NibbleGroupSteps)
            {
                sbyte* even = codes + ((step >> 1) << 6) + ((step & 1) << 4);
                return (Vector128.Load(even), Vector128.Load(even + 32));
            }

            sbyte* rest = codes + (step << 5); // the group of 32 after the last whole 64
            return (Vector128.Load(rest), Vector128.Load(rest + 16));
        }

        /// <summary>sums + (dots − (zero point − centre) · code sum) · weight scale · activation scale, for block <paramref name="block"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly Vector128<float> Accumulate(Vector128<float> sums, Vector128<int> dots, int block, in QuantizedActivations activations)
        {
            Vector128<int> codeSum = Vector128.Create(activations.BlockSums[block]);
            Vector128<int> offsets = ZeroPoints == null
                ? Vector128.Create(Int4 ? 8 : 0)
                : Vector128.Load(ZeroPoints + (block * RowsPerPass));
            Vector128<float> scales = Vector128.Load(Scales + (block * RowsPerPass)) * activations.BlockScales[block];
            return AdvSimd.FusedMultiplyAdd(sums, Vector128.ConvertToSingle(dots - (offsets * codeSum)), scales);
        }

        /// <summary>Row i's blocks after the last whole step (the scalar reference, over the transposed scales).</summary>
        public readonly float Tail(int i, in QuantizedActivations activations)
            => QuantizedRowsScalar.Row(Weight, firstRow + i, Scales + i, activations, StepBlocks, RowsPerPass);
    }

    /// <summary>The int8 multiply-adds of one step, with or without the dot-product extension.</summary>
    private interface IStepDot
    {
        /// <summary>acc + Σ low nibble × even + high nibble × odd over 16 packed bytes, in any lanes.</summary>
        static abstract Vector128<int> Nibbles(Vector128<int> acc, Vector128<byte> packed, Vector128<sbyte> even, Vector128<sbyte> odd);

        /// <summary>Σ low nibble × even + high nibble × odd with lane j holding bytes 4j..4j+3 only.</summary>
        static abstract Vector128<int> NibbleQuads(Vector128<byte> packed, Vector128<sbyte> even, Vector128<sbyte> odd);

        /// <summary>acc + Σ weight × code over 16 signed bytes, in any lanes.</summary>
        static abstract Vector128<int> Bytes(Vector128<int> acc, Vector128<sbyte> weights, Vector128<sbyte> codes);
    }

    /// <summary>Codes 0..15 of the packed bytes' low and high nibbles.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<sbyte> Low, Vector128<sbyte> High) Unpack(Vector128<byte> packed)
        => ((packed & Vector128.Create((byte)0x0F)).AsSByte(), AdvSimd.ShiftRightLogical(packed, 4).AsSByte());

    /// <summary><c>sdot</c>: lane j += Σ of bytes 4j..4j+3's products.</summary>
    private readonly struct SignedDot : IStepDot
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<int> Nibbles(Vector128<int> acc, Vector128<byte> packed, Vector128<sbyte> even, Vector128<sbyte> odd)
        {
            (Vector128<sbyte> low, Vector128<sbyte> high) = Unpack(packed);
            return Dp.DotProduct(Dp.DotProduct(acc, low, even), high, odd);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<int> NibbleQuads(Vector128<byte> packed, Vector128<sbyte> even, Vector128<sbyte> odd)
            => Nibbles(Vector128<int>.Zero, packed, even, odd);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<int> Bytes(Vector128<int> acc, Vector128<sbyte> weights, Vector128<sbyte> codes)
            => Dp.DotProduct(acc, weights, codes);
    }

    /// <summary>Plain AdvSimd: widening multiplies into int16, then pairwise widening adds into int32.</summary>
    private readonly struct WideningDot : IStepDot
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<int> Nibbles(Vector128<int> acc, Vector128<byte> packed, Vector128<sbyte> even, Vector128<sbyte> odd)
        {
            // Four products of ≤ 15 × 127 per int16 lane: ≤ 7,620.
            (Vector128<sbyte> low, Vector128<sbyte> high) = Unpack(packed);
            Vector128<short> products = AdvSimd.MultiplyWideningLower(low.GetLower(), even.GetLower());
            products = AdvSimd.MultiplyWideningLowerAndAdd(products, high.GetLower(), odd.GetLower());
            products = AdvSimd.MultiplyWideningUpperAndAdd(products, low, even);
            products = AdvSimd.MultiplyWideningUpperAndAdd(products, high, odd);
            return AdvSimd.AddPairwiseWideningAndAdd(acc, products);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<int> NibbleQuads(Vector128<byte> packed, Vector128<sbyte> even, Vector128<sbyte> odd)
        {
            (Vector128<sbyte> low, Vector128<sbyte> high) = Unpack(packed);
            Vector128<short> lower = AdvSimd.MultiplyWideningLowerAndAdd(AdvSimd.MultiplyWideningLower(low.GetLower(), even.GetLower()), high.GetLower(), odd.GetLower());
            Vector128<short> upper = AdvSimd.MultiplyWideningUpperAndAdd(AdvSimd.MultiplyWideningUpper(low, even), high, odd);
            return AdvSimd.Arm64.AddPairwise(AdvSimd.AddPairwiseWidening(lower), AdvSimd.AddPairwiseWidening(upper));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<int> Bytes(Vector128<int> acc, Vector128<sbyte> weights, Vector128<sbyte> codes)
        {
            // Two products of ≤ 128 × 127 per int16 lane: ≤ 32,512.
            Vector128<short> products = AdvSimd.MultiplyWideningLower(weights.GetLower(), codes.GetLower());
            products = AdvSimd.MultiplyWideningUpperAndAdd(products, weights, codes);
            return AdvSimd.AddPairwiseWideningAndAdd(acc, products);
        }
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace EdgeLLM.Runtime.Engines.Cpu.Kernels;

/// <summary>
/// One token's activations quantized to int8 per weight block (symmetric, one fp32 scale per block, like ONNX
/// Runtime's accuracy_level 4): scale = max|x| / 127, code = round-half-even(x · (127 / max|x|)), padding codes 0.
/// For 4-bit weights the codes are stored in nibble order: K (padded to whole blocks) is cut into groups of 64, then
/// at most one group of 32 and one of 16; inside a group of g the even K-offsets come first (g/2 codes) and the odd
/// ones after, so the low nibbles of g/2 consecutive weight bytes meet the first half and the high nibbles the second.
/// </summary>
internal readonly unsafe struct QuantizedActivations
{
    public required sbyte* Codes { get; init; }

    /// <summary>Per SIMD lane (8 inputs for 4-bit weights, 4 for 8-bit) the scale of its block.</summary>
    public required float* LaneScales { get; init; }

    public required float* BlockScales { get; init; }

    /// <summary>Block scale × the sum of the block's codes (the zero-point term).</summary>
    public required float* BlockScaledSums { get; init; }

    /// <summary>The exact sum of each block's codes.</summary>
    public required int* BlockSums { get; init; }

    /// <summary>For 4-bit weights: 8 × the sum of each lane's codes (the implied zero point's term, lane by lane).</summary>
    public required int* LaneZeroPointSums { get; init; }

    /// <summary>Where K-offset <paramref name="k"/> of a padded run of <paramref name="paddedCount"/> lies in nibble order.</summary>
    public static int NibblePosition(int k, int paddedCount)
    {
        int groupStart = paddedCount & ~63;
        if (k < groupStart)
        {
            int offset = k & 63;
            return (k & ~63) + ((offset & 1) << 5) + (offset >> 1);
        }

        int rest = paddedCount - groupStart;
        int r = k - groupStart;
        if (rest >= 32)
        {
            if (r < 32)
            {
                return groupStart + ((r & 1) << 4) + (r >> 1);
            }

            groupStart += 32;
            r -= 32;
        }

        return groupStart + ((r & 1) << 3) + (r >> 1);
    }

    /// <summary>Quantizes <paramref name="inputCount"/> inputs at <paramref name="input"/>.</summary>
    public void Quantize(float* input, int inputCount, int blockSize, bool nibbleOrder)
    {
        int blockCount = (inputCount + blockSize - 1) / blockSize;
        int paddedCount = blockCount * blockSize;
        int laneWidth = nibbleOrder ? 8 : 4;
        int wholeBlocks = Vector256.IsHardwareAccelerated || Vector128.IsHardwareAccelerated ? inputCount / blockSize : 0;
        sbyte* natural = Codes;
        if (nibbleOrder)
        {
            // Natural-order codes first (on the stack), rearranged below.
            sbyte* buffer = stackalloc sbyte[paddedCount];
            natural = buffer;
        }

        for (int block = 0; block < blockCount; block++)
        {
            int start = block * blockSize;
            int sum = block >= wholeBlocks
                ? QuantizeBlock(input + start, Math.Min(blockSize, inputCount - start), blockSize, natural + start, block, nibbleOrder)
                : Vector256.IsHardwareAccelerated
                    ? QuantizeWholeBlock(input + start, blockSize, natural + start, block, nibbleOrder)
                    : QuantizeWholeBlock128(input + start, blockSize, natural + start, block, nibbleOrder);
            BlockSums[block] = sum;
            BlockScaledSums[block] = BlockScales[block] * sum;
            for (int lane = start / laneWidth; lane < (start + blockSize) / laneWidth; lane++)
            {
                LaneScales[lane] = BlockScales[block];
            }
        }

        if (nibbleOrder)
        {
            Arrange(natural, Codes, paddedCount);
        }
    }

    /// <summary>The scalar reference of one block (the last, partial one too: padding codes are 0).</summary>
    private int QuantizeBlock(float* input, int length, int blockSize, sbyte* codes, int block, bool laneSums)
    {
        float max = 0;
        for (int i = 0; i < length; i++)
        {
            max = MathF.Max(max, MathF.Abs(input[i]));
        }

        float inverse = max > 0 ? 127f / max : 0f;
        BlockScales[block] = max / 127f;
        int sum = 0;
        int laneSum = 0;
        for (int i = 0; i < blockSize; i++)
        {
            int code = i < length ? (int)Math.Clamp(MathF.Round(input[i] * inverse), -127f, 127f) : 0;
            codes[i] = (sbyte)code;
            sum += code;
            laneSum += code;
            if ((i & 7) == 7)
            {
                if (laneSums)
                {
                    LaneZeroPointSums[((block * blockSize) + i) >> 3] = 8 * laneSum;
                }

                laneSum = 0;
            }
        }

        return sum;
    }

    /// <summary>One whole block, 16 inputs at a time: the same codes as <see cref="QuantizeBlock"/> (IEEE products, round half to even).</summary>
    private int QuantizeWholeBlock(float* input, int blockSize, sbyte* codes, int block, bool laneSums)
    {
        var maxVector = Vector256<float>.Zero;
        for (int i = 0; i < blockSize; i += 8)
        {
            maxVector = Vector256.Max(maxVector, Vector256.Abs(Vector256.Load(input + i)));
        }

        float max = 0;
        for (int lane = 0; lane < 8; lane++)
        {
            max = MathF.Max(max, maxVector[lane]);
        }

        float inverse = max > 0 ? 127f / max : 0f;
        BlockScales[block] = max / 127f;
        var inverseVector = Vector256.Create(inverse);
        var sumVector = Vector256<int>.Zero;
        int* laneZeroPointSums = LaneZeroPointSums + ((block * blockSize) >> 3);
        for (int i = 0; i < blockSize; i += 16)
        {
            Vector256<int> low = Vector256.ConvertToInt32(Vector256.Round(Vector256.Load(input + i) * inverseVector));
            Vector256<int> high = Vector256.ConvertToInt32(Vector256.Round(Vector256.Load(input + i + 8) * inverseVector));
            sumVector += low + high;
            if (laneSums)
            {
                laneZeroPointSums[i >> 3] = 8 * Vector256.Sum(low);
                laneZeroPointSums[(i >> 3) + 1] = 8 * Vector256.Sum(high);
            }

            Vector256<short> shorts = Vector256.Narrow(low, high);
            Vector256.Narrow(shorts, shorts).GetLower().Store(codes + i);
        }

        return Vector256.Sum(sumVector);
    }

    /// <summary>
    /// One whole block, 8 inputs at a time with 128-bit vectors (ARM64, x64 without AVX): the same codes as
    /// <see cref="QuantizeBlock"/>.
    /// </summary>
    private int QuantizeWholeBlock128(float* input, int blockSize, sbyte* codes, int block, bool laneSums)
    {
        var maxVector = Vector128<float>.Zero;
        for (int i = 0; i < blockSize; i += 4)
        {
            maxVector = Vector128.Max(maxVector, Vector128.Abs(Vector128.Load(input + i)));
        }

        float max = MathF.Max(MathF.Max(maxVector[0], maxVector[1]), MathF.Max(maxVector[2], maxVector[3]));
        float inverse = max > 0 ? 127f / max : 0f;
        BlockScales[block] = max / 127f;
        var inverseVector = Vector128.Create(inverse);
        var sumVector = Vector128<int>.Zero;
        int* laneZeroPointSums = LaneZeroPointSums + ((block * blockSize) >> 3);
        for (int i = 0; i < blockSize; i += 8)
        {
            Vector128<int> low = Vector128.ConvertToInt32(Vector128.Round(Vector128.Load(input + i) * inverseVector));
            Vector128<int> high = Vector128.ConvertToInt32(Vector128.Round(Vector128.Load(input + i + 4) * inverseVector));
            Vector128<int> both = low + high;
            sumVector += both;
            if (laneSums)
            {
                laneZeroPointSums[i >> 3] = 8 * Vector128.Sum(both);
            }

            Vector128<short> shorts = Vector128.Narrow(low, high);
            Vector128.Narrow(shorts, shorts).GetLower().Store(codes + i);
        }

        return Vector128.Sum(sumVector);
    }

    /// <summary>
    /// Natural-order codes into nibble order (see the type's summary). A group of 64 is a de-interleave of even and odd
    /// bytes: on AVX2 the 32 code pairs as words, low and high bytes packed (<c>vpackuswb</c>, exact for 0..255) and
    /// the 64-bit quarters put back in order; on ARM64 <c>uzp1</c>/<c>uzp2</c>.
    /// </summary>
    private static void Arrange(sbyte* natural, sbyte* arranged, int paddedCount)
    {
        int groupEnd = paddedCount & ~63;
        int group = 0;
        if (Avx2.IsSupported)
        {
            var lowBytes = Vector256.Create((ushort)0x00FF);
            for (; group < groupEnd; group += 64)
            {
                Vector256<ushort> first = Vector256.Load((ushort*)(natural + group));
                Vector256<ushort> second = Vector256.Load((ushort*)(natural + group + 32));
                Vector256<byte> evens = Avx2.PackUnsignedSaturate((first & lowBytes).AsInt16(), (second & lowBytes).AsInt16());
                Vector256<byte> odds = Avx2.PackUnsignedSaturate(
                    Avx2.ShiftRightLogical(first, 8).AsInt16(), Avx2.ShiftRightLogical(second, 8).AsInt16());
                Avx2.Permute4x64(evens.AsUInt64(), 0b11_01_10_00).AsSByte().Store(arranged + group);
                Avx2.Permute4x64(odds.AsUInt64(), 0b11_01_10_00).AsSByte().Store(arranged + group + 32);
            }
        }
        else if (AdvSimd.Arm64.IsSupported)
        {
            for (; group < groupEnd; group += 64)
            {
                Vector128<sbyte> n0 = Vector128.Load(natural + group), n1 = Vector128.Load(natural + group + 16);
                Vector128<sbyte> n2 = Vector128.Load(natural + group + 32), n3 = Vector128.Load(natural + group + 48);
                AdvSimd.Arm64.UnzipEven(n0, n1).Store(arranged + group);
                AdvSimd.Arm64.UnzipEven(n2, n3).Store(arranged + group + 16);
                AdvSimd.Arm64.UnzipOdd(n0, n1).Store(arranged + group + 32);
                AdvSimd.Arm64.UnzipOdd(n2, n3).Store(arranged + group + 48);
            }
        }

        for (; group < groupEnd; group += 64)
        {
            sbyte* source = natural + group;
            sbyte* destination = arranged + group;
            for (int j = 0; j < 32; j++)
            {
                destination[j] = source[2 * j];
                destination[32 + j] = source[(2 * j) + 1];
            }
        }

        for (int k = groupEnd; k < paddedCount; k++)
        {
            arranged[NibblePosition(k, paddedCount)] = natural[k];
        }
    }

    /// <summary>The activations of token <paramref name="token"/> in <paramref name="scratch"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static QuantizedActivations ForToken(LinearScratch scratch, int token) => new()
    {
        Codes = scratch.Codes + ((long)token * scratch.CodeStride),
        LaneScales = scratch.LaneScales + ((long)token * scratch.LaneStride),
        BlockScales = scratch.BlockScales + ((long)token * scratch.BlockStride),
        BlockScaledSums = scratch.BlockScaledSums + ((long)token * scratch.BlockStride),
        BlockSums = scratch.BlockSums + ((long)token * scratch.BlockStride),
        LaneZeroPointSums = scratch.LaneZeroPointSums + ((long)token * scratch.LaneStride),
    };
}

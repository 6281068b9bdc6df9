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
        for (int block = 0; block < blockCount; block++)
        {
            int start = block * blockSize;
            int length = Math.Min(blockSize, inputCount - start);
            float max = 0;
            for (int i = 0; i < length; i++)
            {
                max = MathF.Max(max, MathF.Abs(input[start + i]));
            }

            float scale = max / 127f;
            float inverse = max > 0 ? 127f / max : 0f;
            int sum = 0;
            for (int i = 0; i < blockSize; i++)
            {
                int code = i < length ? (int)Math.Clamp(MathF.Round(input[start + i] * inverse), -127f, 127f) : 0;
                sum += code;
                int k = start + i;
                Codes[nibbleOrder ? NibblePosition(k, paddedCount) : k] = (sbyte)code;
            }

            BlockScales[block] = scale;
            BlockSums[block] = sum;
            BlockScaledSums[block] = scale * sum;
            for (int lane = start / laneWidth; lane < (start + blockSize) / laneWidth; lane++)
            {
                LaneScales[lane] = scale;
            }
        }
    }

    /// <summary>The activations of token <paramref name="token"/> in <paramref name="scratch"/>.</summary>
    public static QuantizedActivations ForToken(LinearScratch scratch, int token) => new()
    {
        Codes = scratch.Codes + ((long)token * scratch.CodeStride),
        LaneScales = scratch.LaneScales + ((long)token * scratch.LaneStride),
        BlockScales = scratch.BlockScales + ((long)token * scratch.BlockStride),
        BlockScaledSums = scratch.BlockScaledSums + ((long)token * scratch.BlockStride),
        BlockSums = scratch.BlockSums + ((long)token * scratch.BlockStride),
    };
}

using EdgeLLM.Quantize.Quantizers;

namespace EdgeLLM.Quantize.Gguf;

/// <summary>
/// One row of ggml blocks → one MatMulNBits row of <see cref="GgufMatMulNBitsTarget"/>: packed codes
/// (<c>k_blocks × blob_size</c> bytes, low nibble first for int4), a scale per block and, with zero
/// points, one uint8 per block. Measures what it stores against llama.cpp's dequantized values.
/// </summary>
public sealed class GgufBlockRepacker
{
    private readonly GgufMatMulNBitsTarget target;
    private readonly int[] codes = new int[GgmlTypes.SuperBlockLength];
    private readonly float[] steps = new float[16];
    private readonly float[] offsets = new float[16];

    public GgufBlockRepacker(GgufMatMulNBitsTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        this.target = target;
    }

    /// <summary>
    /// Repacks <paramref name="row"/> (<paramref name="rowLength"/> elements of <paramref name="type"/>) into
    /// <paramref name="packed"/>, <paramref name="scales"/> and <paramref name="zeroPoints"/> (empty without them),
    /// adding the difference to llama.cpp's values to <paramref name="error"/>.
    /// </summary>
    public void Repack(GgmlType type, ReadOnlySpan<byte> row, int rowLength, Span<byte> packed, Span<float> scales, Span<byte> zeroPoints, QuantizationError error)
    {
        int blockLength = type.BlockLength();
        int blockBytes = type.BlockByteCount();
        int groupLength = GgmlBlockCodes.GroupLength(type);
        int groups = blockLength / groupLength;
        int targetBlock = target.BlockSize;
        if (groupLength % targetBlock != 0)
        {
            throw new InvalidOperationException($"{type} groups of {groupLength} cannot be stored in blocks of {targetBlock}");
        }

        bool symmetric = GgmlBlockCodes.IsSymmetric(type);
        (int minCode, int maxCode) = GgmlBlockCodes.CodeRange(type);
        int defaultZero = 1 << (target.Bits - 1);
        double squaredError = 0, squaredWeight = 0, maxError = 0;
        for (int block = 0; block < rowLength / blockLength; block++)
        {
            GgmlBlockCodes.Extract(type, row.Slice(block * blockBytes, blockBytes), codes.AsSpan(0, blockLength), steps.AsSpan(0, groups), offsets.AsSpan(0, groups));
            for (int group = 0; group < groups; group++)
            {
                float step = steps[group];
                float offset = offsets[group];
                (float scale, int multiplier, int shift, int zero) = symmetric
                    ? (step, 1, 0, target.ZeroPoints ? -minCode : defaultZero)
                    : Affine(step, offset, maxCode);
                int firstElement = (block * blockLength) + (group * groupLength);
                for (int part = 0; part < groupLength / targetBlock; part++)
                {
                    int targetIndex = (firstElement / targetBlock) + part;
                    scales[targetIndex] = scale;
                    if (target.ZeroPoints)
                    {
                        zeroPoints[targetIndex] = (byte)zero;
                    }
                }

                for (int i = 0; i < groupLength; i++)
                {
                    int element = firstElement + i;
                    int code = codes[(group * groupLength) + i];
                    int stored = Math.Clamp((multiplier * code) + shift + (symmetric ? zero : 0), 0, (1 << target.Bits) - 1);
                    if (target.Bits == 8)
                    {
                        packed[element] = (byte)stored;
                    }
                    else if ((element & 1) == 0)
                    {
                        packed[element / 2] = (byte)stored;
                    }
                    else
                    {
                        packed[element / 2] |= (byte)(stored << 4);
                    }

                    float expected = symmetric ? step * code : (step * code) - offset;
                    float actual = (stored - zero) * scale;
                    double difference = Math.Abs((double)actual - expected);
                    squaredError += difference * difference;
                    squaredWeight += (double)expected * expected;
                    maxError = Math.Max(maxError, difference);
                }
            }
        }

        error.Record(rowLength, squaredError, squaredWeight, maxError);
    }

    /// <summary>
    /// step·q − offset as scale·(k·q + shift − zero) with scale = step / k, k the largest power of two that keeps
    /// k·max + shift and zero within a byte; zero − shift = round(k · offset / step).
    /// </summary>
    private static (float Scale, int Multiplier, int Shift, int Zero) Affine(float step, float offset, int maxCode)
    {
        if (step == 0 || !float.IsFinite(step))
        {
            // Every value is −offset: one code step of |offset|.
            return offset == 0 ? (0f, 0, 0, 0) : offset > 0 ? (offset, 0, 0, 1) : (-offset, 0, 1, 0);
        }

        for (int k = 1 << (int)Math.Floor(Math.Log2(255.0 / maxCode)); k >= 1; k >>= 1)
        {
            double target = k * (double)offset / step;
            long rounded = (long)Math.Round(target);
            if (rounded >= 0 && rounded <= 255)
            {
                return (step / k, k, 0, (int)rounded);
            }

            if (rounded < 0 && (k * maxCode) - rounded <= 255)
            {
                return (step / k, k, (int)-rounded, 0);
            }
        }

        // The offset is more than a byte of steps away: the nearest representable (recorded as error).
        double ratio = offset / step;
        return ratio > 0 ? (step, 1, 0, 255) : (step, 1, 255 - maxCode, 0);
    }
}

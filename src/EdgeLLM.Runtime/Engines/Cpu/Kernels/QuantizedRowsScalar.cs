namespace EdgeLLM.Runtime.Engines.Cpu.Kernels;

/// <summary>
/// The reference for block-quantized rows: per block the exact int32 dot product of weight codes and activation codes,
/// minus zero point × the activation code sum, times weight scale × activation scale, summed in fp32.
/// </summary>
internal static unsafe class QuantizedRowsScalar
{
    /// <summary>Σ q·a over block <paramref name="block"/> of a row (codes unsigned, zero point not applied).</summary>
    public static int BlockDot(in WeightMatrix weight, byte* row, sbyte* codes, int block)
    {
        int blockSize = weight.BlockSize;
        int paddedCount = weight.PaddedInputCount;
        int sum = 0;
        int start = block * blockSize;
        if (weight.Layout == WeightLayout.Int8Blocks)
        {
            for (int i = 0; i < blockSize; i++)
            {
                sum += row[start + i] * codes[start + i];
            }

            return sum;
        }

        for (int i = 0; i < blockSize; i += 2)
        {
            int k = start + i;
            byte pair = row[k >> 1];
            sum += ((pair & 0xF) * codes[QuantizedActivations.NibblePosition(k, paddedCount)])
                + ((pair >> 4) * codes[QuantizedActivations.NibblePosition(k + 1, paddedCount)]);
        }

        return sum;
    }

    /// <summary>
    /// Row <paramref name="row"/> of W times the activations, blocks [firstBlock, BlockCount); block b's scale is
    /// rowScales[b · scaleStride] (a stride above 1: scales transposed for several rows).
    /// </summary>
    public static float Row(in WeightMatrix weight, int row, float* rowScales, in QuantizedActivations activations, int firstBlock = 0, int scaleStride = 1)
    {
        byte* rowBytes = (byte*)weight.Values + ((long)row * weight.RowBytes);
        float sum = 0;
        for (int block = firstBlock; block < weight.BlockCount; block++)
        {
            int dot = BlockDot(weight, rowBytes, activations.Codes, block) - (weight.ZeroPoint(row, block) * activations.BlockSums[block]);
            sum += rowScales[(long)block * scaleStride] * activations.BlockScales[block] * dot;
        }

        return sum;
    }
}

namespace EdgeLLM.Quantize.Tests.Quantizers;

/// <summary>
/// An independent reading of MatMulNBits' layout, written from the operator's documentation rather
/// than from the quantizer: code k of row n sits at bit (n * k_blocks * block_size + k) * bits of B,
/// zero point b of row n at bit (n * zeroPointRowBytes * 8 + b) * bits, and a weight is
/// (code - zero point) * scale with zero point 2^(bits-1) when none are stored.
/// </summary>
internal static class ReferenceDequantizer
{
    public static int Code(byte[] packed, long bitOffset, int bits)
        => (packed[bitOffset / 8] >> (int)(bitOffset % 8)) & ((1 << bits) - 1);

    /// <summary>The code of weight (row, column) as stored in B.</summary>
    public static int WeightCode(byte[] packed, int row, int column, int columnCount, int blockSize, int bits)
    {
        long blockCount = (columnCount + blockSize - 1) / blockSize;
        return Code(packed, (((long)row * blockCount * blockSize) + column) * bits, bits);
    }

    /// <summary>Dequantizes all N × K weights (padding dropped).</summary>
    public static float[] Dequantize(
        byte[] packed, float[] scales, byte[]? zeroPoints, int rowCount, int columnCount, int blockSize, int bits)
    {
        int blockCount = (columnCount + blockSize - 1) / blockSize;
        int zeroPointRowBits = ((blockCount * bits) + 7) / 8 * 8;
        var weights = new float[rowCount * columnCount];
        for (int row = 0; row < rowCount; row++)
        {
            for (int column = 0; column < columnCount; column++)
            {
                int block = column / blockSize;
                int zeroPoint = zeroPoints is null
                    ? 1 << (bits - 1)
                    : Code(zeroPoints, ((long)row * zeroPointRowBits) + (block * bits), bits);
                int code = WeightCode(packed, row, column, columnCount, blockSize, bits);
                weights[(row * columnCount) + column] = (code - zeroPoint) * scales[(row * blockCount) + block];
            }
        }

        return weights;
    }
}

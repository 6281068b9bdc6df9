namespace EdgeLLM.Runtime.Engines.Cpu.Kernels;

/// <summary>
/// A weight matrix where it lies (no copy). Dequantized block weight = (q - zp) * scale, MatMulNBits' definition.
/// </summary>
public readonly unsafe struct WeightMatrix
{
    public required WeightLayout Layout { get; init; }

    /// <summary>N: rows of B, output features.</summary>
    public required int OutputCount { get; init; }

    /// <summary>K: input features (B is zero-padded to <see cref="BlockCount"/> × <see cref="BlockSize"/>).</summary>
    public required int InputCount { get; init; }

    /// <summary>MatMulNBits block_size (16..256, power of two); 0 for float layouts.</summary>
    public int BlockSize { get; init; }

    /// <summary>Address of B, or of the float matrix, inside the mapping.</summary>
    public required nint Values { get; init; }

    /// <summary>[N, kBlocks] scales, fp32 or (when <see cref="ScalesAreHalf"/>) fp16.</summary>
    public nint Scales { get; init; }

    public bool ScalesAreHalf { get; init; }

    /// <summary>
    /// 0 = symmetric (zero point 8 for 4 bits, 128 for 8 bits); else MatMulNBits packed uint8
    /// [N, ceil(kBlocks × bits / 8)] (4-bit: two per byte, low nibble first).
    /// </summary>
    public nint ZeroPoints { get; init; }

    public int BlockCount => BlockSize == 0 ? 0 : (InputCount + BlockSize - 1) / BlockSize;

    internal bool IsQuantized => Layout is WeightLayout.Int4Blocks or WeightLayout.Int8Blocks;

    internal int Bits => Layout == WeightLayout.Int4Blocks ? 4 : 8;

    /// <summary>K padded to whole blocks.</summary>
    internal int PaddedInputCount => BlockCount * BlockSize;

    /// <summary>Bytes of B per row.</summary>
    internal int RowBytes => Layout == WeightLayout.Int4Blocks ? PaddedInputCount / 2 : PaddedInputCount;

    /// <summary>Packed zero-point bytes per row.</summary>
    internal int ZeroPointRowBytes => ((BlockCount * Bits) + 7) / 8;

    /// <summary>The zero point of (row, block).</summary>
    internal int ZeroPoint(int row, int block)
    {
        if (ZeroPoints == 0)
        {
            return Layout == WeightLayout.Int4Blocks ? 8 : 128;
        }

        byte* zeroPoints = (byte*)ZeroPoints + ((long)row * ZeroPointRowBytes);
        return Layout == WeightLayout.Int4Blocks ? (zeroPoints[block >> 1] >> ((block & 1) * 4)) & 0xF : zeroPoints[block];
    }

    /// <summary>The scale of (row, block) as fp32.</summary>
    internal float Scale(int row, int block)
    {
        long index = ((long)row * BlockCount) + block;
        return ScalesAreHalf ? (float)((Half*)Scales)[index] : ((float*)Scales)[index];
    }

    /// <summary>Checks the shape fields (never the memory): one clear message per bad field.</summary>
    internal void Validate()
    {
        if (OutputCount <= 0 || InputCount <= 0)
        {
            throw new ArgumentException($"weight matrix of {OutputCount} x {InputCount} is empty");
        }

        if (Values == 0)
        {
            throw new ArgumentException("weight matrix has no values address");
        }

        if (IsQuantized)
        {
            if (BlockSize < 16 || BlockSize > 256 || (BlockSize & (BlockSize - 1)) != 0)
            {
                throw new ArgumentException($"block size {BlockSize} is not a power of two in 16..256");
            }

            if (Scales == 0)
            {
                throw new ArgumentException("block-quantized weight matrix has no scales address");
            }
        }
    }
}

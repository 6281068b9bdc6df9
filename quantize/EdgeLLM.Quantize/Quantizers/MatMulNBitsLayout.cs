namespace EdgeLLM.Quantize.Quantizers;

/// <summary>
/// The shapes of ONNX Runtime's com.microsoft MatMulNBits inputs for a weight of
/// <see cref="RowCount"/> output features (N) by <see cref="ColumnCount"/> input features (K):
/// B uint8 [N, k_blocks, blob_size], scales fp32 [N, k_blocks], zero points uint8
/// [N, ceil(k_blocks * bits / 8)].
/// </summary>
public readonly record struct MatMulNBitsLayout(long RowCount, int ColumnCount, int Bits, int BlockSize)
{
    /// <summary>k_blocks = ceil(K / block_size).</summary>
    public int BlockCount => (ColumnCount + BlockSize - 1) / BlockSize;

    /// <summary>blob_size = block_size * bits / 8.</summary>
    public int BlobSize => BlockSize * Bits / 8;

    /// <summary>Bytes of B per row: k_blocks * blob_size.</summary>
    public int PackedRowBytes => BlockCount * BlobSize;

    /// <summary>Packed zero-point bytes per row: ceil(k_blocks * bits / 8).</summary>
    public int ZeroPointRowBytes => ((BlockCount * Bits) + 7) / 8;

    public long PackedByteCount => RowCount * PackedRowBytes;

    public long ScaleCount => RowCount * BlockCount;

    public long ZeroPointByteCount => RowCount * ZeroPointRowBytes;

    /// <summary>B's dims: [N, k_blocks, blob_size].</summary>
    public long[] PackedShape => [RowCount, BlockCount, BlobSize];

    /// <summary>The scales' dims: [N, k_blocks].</summary>
    public long[] ScaleShape => [RowCount, BlockCount];

    /// <summary>The zero points' dims: [N, ceil(k_blocks * bits / 8)].</summary>
    public long[] ZeroPointShape => [RowCount, ZeroPointRowBytes];
}

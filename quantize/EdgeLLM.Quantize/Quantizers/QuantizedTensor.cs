namespace EdgeLLM.Quantize.Quantizers;

/// <summary>
/// What quantizing one weight tensor left in memory once its packed codes were streamed out: the
/// MatMulNBits layout, fp32 scales [N, k_blocks], packed zero points [N, ceil(k_blocks * bits / 8)]
/// (null when symmetric) and the error report.
/// </summary>
public sealed record QuantizedTensor(
    string Name,
    BlockQuantizationOptions Options,
    MatMulNBitsLayout Layout,
    float[] Scales,
    byte[]? ZeroPoints,
    QuantizationError Error)
{
    /// <summary>
    /// This tensor without its scales and zero points: what the conversion keeps for its report once they
    /// are written (an 8B model's int4 scales in blocks of 32 are ~1 GB; holding them all to the end of
    /// the conversion was most of its peak memory).
    /// </summary>
    public QuantizedTensor WithoutValues() => this with { Scales = [], ZeroPoints = null };

    /// <summary>
    /// The zero points as com.microsoft GatherBlockQuantized reads them when it gathers rows of the same
    /// B viewed as [N, k_blocks, blob_size] (quantize_axis 2, scales reshaped to [N, k_blocks, 1]):
    /// [N, k_blocks, 1], one zero point per byte (the low nibble for 4-bit). Null when symmetric.
    /// Tied embeddings use it to share B with the lm_head instead of storing a second copy.
    /// </summary>
    public byte[]? GatherZeroPoints()
    {
        if (ZeroPoints is null)
        {
            return null;
        }

        if (Options.Bits == 8)
        {
            return ZeroPoints;
        }

        var unpacked = new byte[checked((int)Layout.ScaleCount)];
        int blockCount = Layout.BlockCount;
        for (long row = 0; row < Layout.RowCount; row++)
        {
            for (int block = 0; block < blockCount; block++)
            {
                byte pair = ZeroPoints[(row * Layout.ZeroPointRowBytes) + (block / 2)];
                unpacked[(row * blockCount) + block] = (byte)((block & 1) == 0 ? pair & 0x0F : pair >> 4);
            }
        }

        return unpacked;
    }
}

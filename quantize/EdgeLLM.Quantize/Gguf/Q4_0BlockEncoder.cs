namespace EdgeLLM.Quantize.Gguf;

/// <summary>
/// ggml's Q4_0: blocks of 32 weights stored as an fp16 scale <c>d = max / -8</c> (<c>max</c> the value of
/// largest magnitude, sign kept) and 16 bytes of 4-bit codes <c>min(15, trunc(x / d + 8.5))</c>, element j
/// in the low nibble of byte j and element j + 16 in its high nibble; the same arithmetic as llama.cpp's
/// <c>quantize_row_q4_0_ref</c>.
/// </summary>
public static class Q4_0BlockEncoder
{
    public const int BlockLength = 32;
    public const int BlockByteCount = 2 + (BlockLength / 2);

    /// <summary>Encodes a row (a multiple of 32 values) into <c>row.Length / 32 * 18</c> bytes.</summary>
    public static void EncodeRow(ReadOnlySpan<float> row, Span<byte> destination)
    {
        const int half = BlockLength / 2;
        int blockCount = row.Length / BlockLength;
        for (int block = 0; block < blockCount; block++)
        {
            ReadOnlySpan<float> values = row.Slice(block * BlockLength, BlockLength);
            Span<byte> output = destination.Slice(block * BlockByteCount, BlockByteCount);
            float absoluteMax = 0f;
            float max = 0f;
            foreach (float value in values)
            {
                if (absoluteMax < MathF.Abs(value))
                {
                    absoluteMax = MathF.Abs(value);
                    max = value;
                }
            }

            float scale = max / -8f;
            float inverse = scale != 0f ? 1f / scale : 0f;
            BitConverter.TryWriteBytes(output, (Half)scale);
            for (int j = 0; j < half; j++)
            {
                output[2 + j] = (byte)(Code(values[j] * inverse) | (Code(values[half + j] * inverse) << 4));
            }
        }
    }

    // (int8_t)(x + 8.5f) truncates toward zero (x + 8.5 lies in [0.5, 16.5]), then MIN(15, ...) as in ggml-quants.c.
    private static int Code(float scaled) => Math.Min(15, (int)(scaled + 8.5f));
}

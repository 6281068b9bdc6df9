namespace EdgeLLM.Quantize.Gguf;

/// <summary>
/// ggml's Q8_0: blocks of 32 weights stored as an fp16 scale <c>d = amax / 127</c> and 32 int8 values
/// <c>round(x / d)</c>, rounding half away from zero; the same arithmetic as llama.cpp's
/// <c>quantize_row_q8_0_ref</c> (fp32 division and reciprocal, then the scale rounded to fp16).
/// </summary>
public static class Q8_0BlockEncoder
{
    public const int BlockLength = 32;
    public const int BlockByteCount = 2 + BlockLength;

    /// <summary>Encodes a row (a multiple of 32 values) into <c>row.Length / 32 * 34</c> bytes.</summary>
    public static void EncodeRow(ReadOnlySpan<float> row, Span<byte> destination)
    {
        int blockCount = row.Length / BlockLength;
        for (int block = 0; block < blockCount; block++)
        {
            ReadOnlySpan<float> values = row.Slice(block * BlockLength, BlockLength);
            Span<byte> output = destination.Slice(block * BlockByteCount, BlockByteCount);
            float absoluteMax = 0f;
            foreach (float value in values)
            {
                absoluteMax = MathF.Max(absoluteMax, MathF.Abs(value));
            }

            float scale = absoluteMax / 127f;
            float inverse = scale != 0f ? 1f / scale : 0f;
            BitConverter.TryWriteBytes(output, (Half)scale);
            for (int i = 0; i < BlockLength; i++)
            {
                output[2 + i] = (byte)(sbyte)MathF.Round(values[i] * inverse, MidpointRounding.AwayFromZero);
            }
        }
    }
}

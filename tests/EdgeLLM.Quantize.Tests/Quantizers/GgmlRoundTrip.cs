namespace EdgeLLM.Quantize.Tests.Quantizers;

/// <summary>The two llama.cpp block types the GGUF Q4_0 export writes.</summary>
internal enum GgmlBlockType
{
    Q4Zero,
    Q8Zero,
}

/// <summary>
/// llama.cpp's Q4_0 and Q8_0 applied and undone on a row of weights, as <c>quantize_row_q4_0_ref</c>,
/// <c>quantize_row_q8_0_ref</c> and their dequantizers in ggml-quants.c do it, blocks of 32 with an fp16 d:
/// Q4_0: d = (value of largest magnitude, sign kept, the first one on a tie) / -8, codes
/// min(15, (int8)(x / d + 8.5)) computed with the fp32 d, value = (code - 8) · fp16(d);
/// Q8_0: d = max |x| / 127, codes roundf(x / d), value = code · fp16(d).
/// A row whose length is not a multiple of 32 (llama.cpp refuses those) has its last block padded
/// with zeros, as MatMulNBits pads K.
/// </summary>
internal static class GgmlRoundTrip
{
    public const int BlockSize = 32;

    public static void Apply(GgmlBlockType type, ReadOnlySpan<float> row, Span<float> destination)
    {
        Span<float> block = stackalloc float[BlockSize];
        for (int start = 0; start < row.Length; start += BlockSize)
        {
            int length = Math.Min(BlockSize, row.Length - start);
            block.Clear();
            row.Slice(start, length).CopyTo(block);
            Span<float> output = destination.Slice(start, length);
            if (type == GgmlBlockType.Q4Zero)
            {
                Q4Zero(block, output);
            }
            else
            {
                Q8Zero(block, output);
            }
        }
    }

    private static void Q4Zero(ReadOnlySpan<float> block, Span<float> output)
    {
        float absoluteMax = 0f;
        float max = 0f;
        foreach (float value in block)
        {
            if (absoluteMax < MathF.Abs(value))
            {
                absoluteMax = MathF.Abs(value);
                max = value;
            }
        }

        float scale = max / -8;
        float inverse = scale != 0f ? 1f / scale : 0f;
        float storedScale = (float)(Half)scale;
        for (int i = 0; i < output.Length; i++)
        {
            int code = Math.Min(15, (int)(sbyte)(block[i] * inverse + 8.5f));
            output[i] = (code - 8) * storedScale;
        }
    }

    private static void Q8Zero(ReadOnlySpan<float> block, Span<float> output)
    {
        float absoluteMax = 0f;
        foreach (float value in block)
        {
            absoluteMax = Math.Max(absoluteMax, MathF.Abs(value));
        }

        float scale = absoluteMax / 127;
        float inverse = scale != 0f ? 1f / scale : 0f;
        float storedScale = (float)(Half)scale;
        for (int i = 0; i < output.Length; i++)
        {
            output[i] = MathF.Round(block[i] * inverse, MidpointRounding.AwayFromZero) * storedScale;
        }
    }
}

namespace EdgeLLM.Runtime.Engines.Cpu.Kernels;

/// <summary>
/// One query head at one position against <c>length</c> cached positions of its KV head:
/// out = softmax(q·Kᵀ · scale) · V, with fp32 or fp16 KV rows (row stride headDim).
/// </summary>
public static class AttentionKernel
{
    public static unsafe void Attend(
        ReadOnlySpan<float> query, nint keys, nint values, KvElement kvElement, int length, int headDim, float scale,
        Span<float> scores, Span<float> output)
    {
        if (query.Length < headDim || output.Length < headDim || scores.Length < length || length < 0)
        {
            throw new ArgumentException(
                $"attention: query {query.Length}, output {output.Length}, scores {scores.Length} for length {length}, head {headDim}");
        }

        fixed (float* q = query, s = scores, y = output)
        {
            new Span<float>(y, headDim).Clear();
            if (length == 0)
            {
                return;
            }

            if (kvElement == KvElement.Float16)
            {
                Half* k = (Half*)keys;
                for (int position = 0; position < length; position++)
                {
                    s[position] = FloatVectors.Dot(q, k + ((long)position * headDim), headDim) * scale;
                }

                SoftmaxKernel.Apply(s, length);
                Half* v = (Half*)values;
                for (int position = 0; position < length; position++)
                {
                    FloatVectors.MultiplyAdd(s[position], v + ((long)position * headDim), y, headDim);
                }
            }
            else
            {
                float* k = (float*)keys;
                for (int position = 0; position < length; position++)
                {
                    s[position] = FloatVectors.Dot(q, k + ((long)position * headDim), headDim) * scale;
                }

                SoftmaxKernel.Apply(s, length);
                float* v = (float*)values;
                for (int position = 0; position < length; position++)
                {
                    FloatVectors.MultiplyAdd(s[position], v + ((long)position * headDim), y, headDim);
                }
            }
        }
    }
}

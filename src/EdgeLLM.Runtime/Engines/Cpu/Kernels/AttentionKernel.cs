namespace EdgeLLM.Runtime.Engines.Cpu.Kernels;

/// <summary>
/// One query head at one position against <c>length</c> cached positions of its KV head:
/// out = softmax(q·Kᵀ · scale) · V, with fp32 or fp16 KV rows (row stride headDim). <see cref="AttendGroup"/> does the
/// same for every query head of one KV head at once, widening each fp16 K and V row once for the whole group.
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

    /// <summary>
    /// The <paramref name="groupSize"/> query heads that share one KV head, at one position: queries and output are
    /// groupSize × headDim floats (head after head), head g's scores row starts at scores + g · scoresStride. Each
    /// cached K and V row is read (and widened from fp16) once for the group; per head the result is
    /// <see cref="Attend"/>'s.
    /// </summary>
    public static unsafe void AttendGroup(
        float* queries, float* output, float* scores, int scoresStride, nint keys, nint values, KvElement kvElement, int length,
        int headDim, int groupSize, float scale)
    {
        if (length < 0 || headDim <= 0 || headDim > MaxHeadDim || groupSize <= 0 || scoresStride < length)
        {
            throw new ArgumentException($"attention group: length {length}, head {headDim}, group {groupSize}, scores stride {scoresStride}");
        }

        new Span<float>(output, groupSize * headDim).Clear();
        if (length == 0)
        {
            return;
        }

        float* row = stackalloc float[headDim];
        for (int position = 0; position < length; position++)
        {
            float* key = Row(keys, kvElement, position, headDim, row);
            for (int g = 0; g < groupSize; g++)
            {
                scores[((long)g * scoresStride) + position] = FloatVectors.Dot(queries + ((long)g * headDim), key, headDim) * scale;
            }
        }

        for (int g = 0; g < groupSize; g++)
        {
            SoftmaxKernel.Apply(new Span<float>(scores + ((long)g * scoresStride), length));
        }

        for (int position = 0; position < length; position++)
        {
            float* value = Row(values, kvElement, position, headDim, row);
            for (int g = 0; g < groupSize; g++)
            {
                FloatVectors.MultiplyAdd(scores[((long)g * scoresStride) + position], value, output + ((long)g * headDim), headDim);
            }
        }
    }

    /// <summary>The largest head size <see cref="AttendGroup"/> widens on the stack.</summary>
    public const int MaxHeadDim = 1024;

    /// <summary>Cached row <paramref name="position"/> as fp32: in place for fp32, widened into <paramref name="buffer"/> for fp16.</summary>
    private static unsafe float* Row(nint rows, KvElement kvElement, int position, int headDim, float* buffer)
    {
        if (kvElement != KvElement.Float16)
        {
            return (float*)rows + ((long)position * headDim);
        }

        HalfKernel.ToSingle(new ReadOnlySpan<Half>((Half*)rows + ((long)position * headDim), headDim), new Span<float>(buffer, headDim));
        return buffer;
    }
}

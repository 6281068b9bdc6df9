namespace EdgeLLM.Quantize.Checkpoints;

/// <summary>
/// One tensor as a safetensors header declares it: dtype, shape and its byte range
/// [<see cref="Begin"/>, <see cref="End"/>) relative to the first byte after the header.
/// </summary>
public sealed record SafetensorsEntry(string Name, TensorDType DType, long[] Shape, long Begin, long End)
{
    public long ByteCount => End - Begin;

    /// <summary>Elements of a shape (1 for a scalar), or -1 when the product overflows.</summary>
    public static long ElementCount(IReadOnlyList<long> shape)
    {
        long count = 1;
        foreach (long dim in shape)
        {
            if (dim != 0 && count > long.MaxValue / dim)
            {
                return -1;
            }

            count *= dim;
        }

        return count;
    }

    public static string FormatShape(IReadOnlyList<long> shape) => $"[{string.Join(", ", shape)}]";
}

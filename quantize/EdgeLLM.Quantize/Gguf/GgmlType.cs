namespace EdgeLLM.Quantize.Gguf;

/// <summary>The ggml tensor types EdgeLLM writes into GGUF files (values as in ggml.h's <c>ggml_type</c>).</summary>
public enum GgmlType : uint
{
    F32 = 0,
    F16 = 1,
    Q4_0 = 2,
    Q8_0 = 8,
}

/// <summary>Block sizes and byte counts of <see cref="GgmlType"/>.</summary>
public static class GgmlTypes
{
    /// <summary>Elements per block: 32 for Q4_0 and Q8_0 (QK4_0, QK8_0), 1 for float types.</summary>
    public static int BlockLength(this GgmlType type) => type switch
    {
        GgmlType.Q4_0 => Q4_0BlockEncoder.BlockLength,
        GgmlType.Q8_0 => Q8_0BlockEncoder.BlockLength,
        _ => 1,
    };

    /// <summary>Bytes per block: an fp16 scale plus 16 nibble pairs (Q4_0) or 32 int8 (Q8_0); 4 or 2 for float types.</summary>
    public static int BlockByteCount(this GgmlType type) => type switch
    {
        GgmlType.F32 => 4,
        GgmlType.F16 => 2,
        GgmlType.Q4_0 => Q4_0BlockEncoder.BlockByteCount,
        GgmlType.Q8_0 => Q8_0BlockEncoder.BlockByteCount,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>Bytes of one row of <paramref name="rowLength"/> elements (a whole number of blocks).</summary>
    public static long RowByteCount(this GgmlType type, long rowLength)
    {
        int blockLength = type.BlockLength();
        if (rowLength % blockLength != 0)
        {
            throw new InvalidDataException($"a {type} row needs a multiple of {blockLength} elements, got {rowLength}");
        }

        return rowLength / blockLength * type.BlockByteCount();
    }
}

using EdgeLLM.Format;

namespace EdgeLLM.Quantize.Gguf;

/// <summary>
/// The ggml tensor types EdgeLLM writes into GGUF files or reads from them (values as in ggml.h's
/// <c>ggml_type</c>). The writer emits F32, F16, Q4_0 and Q8_0; the reader also dequantizes the others.
/// </summary>
public enum GgmlType : uint
{
    F32 = 0,
    F16 = 1,
    Q4_0 = 2,
    Q4_1 = 3,
    Q5_0 = 6,
    Q5_1 = 7,
    Q8_0 = 8,
    Q2_K = 10,
    Q3_K = 11,
    Q4_K = 12,
    Q5_K = 13,
    Q6_K = 14,
    BF16 = 30,
}

/// <summary>Block sizes and byte counts of <see cref="GgmlType"/>.</summary>
public static class GgmlTypes
{
    /// <summary>Elements of one K-quant super-block (QK_K).</summary>
    public const int SuperBlockLength = 256;

    /// <summary>Whether <paramref name="value"/> is a <c>ggml_type</c> this reader knows.</summary>
    public static bool IsKnown(uint value) => Enum.IsDefined((GgmlType)value);

    /// <summary>Elements per block: 32 for Q4_0..Q8_0 (QK4_0 …), 256 for the K-quants, 1 for float types.</summary>
    public static int BlockLength(this GgmlType type) => type switch
    {
        GgmlType.Q4_0 or GgmlType.Q4_1 or GgmlType.Q5_0 or GgmlType.Q5_1 or GgmlType.Q8_0 => 32,
        GgmlType.Q2_K or GgmlType.Q3_K or GgmlType.Q4_K or GgmlType.Q5_K or GgmlType.Q6_K => SuperBlockLength,
        _ => 1,
    };

    /// <summary>Bytes per block (ggml's <c>type_size</c>): the block_q* structs of ggml-common.h.</summary>
    public static int BlockByteCount(this GgmlType type) => type switch
    {
        GgmlType.F32 => 4,
        GgmlType.F16 or GgmlType.BF16 => 2,
        GgmlType.Q4_0 => Q4_0BlockEncoder.BlockByteCount,
        GgmlType.Q4_1 => 20,
        GgmlType.Q5_0 => 22,
        GgmlType.Q5_1 => 24,
        GgmlType.Q8_0 => Q8_0BlockEncoder.BlockByteCount,
        GgmlType.Q2_K => 84,
        GgmlType.Q3_K => 110,
        GgmlType.Q4_K => 144,
        GgmlType.Q5_K => 176,
        GgmlType.Q6_K => 210,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>Bytes of one row of <paramref name="rowLength"/> elements (a whole number of blocks).</summary>
    public static long RowByteCount(this GgmlType type, long rowLength)
    {
        int blockLength = type.BlockLength();
        if (rowLength % blockLength != 0)
        {
            throw new EdgeLlmException($"a {type} row needs a multiple of {blockLength} elements, got {rowLength}");
        }

        return rowLength / blockLength * type.BlockByteCount();
    }
}

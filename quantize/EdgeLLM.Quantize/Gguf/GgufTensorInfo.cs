namespace EdgeLLM.Quantize.Gguf;

/// <summary>
/// One tensor as a GGUF file lists it, already checked against the file: its name, ggml dimensions
/// (innermost first: a Linear weight is [in, out]), type and the byte range it occupies.
/// </summary>
public sealed record GgufTensorInfo(string Name, long[] Dimensions, GgmlType Type, long FileOffset, long ByteCount)
{
    public long ElementCount => Dimensions.Aggregate(1L, (product, dimension) => product * dimension);

    /// <summary>Elements per row (ne[0]).</summary>
    public long RowLength => Dimensions[0];

    /// <summary>Rows (the product of ne[1..]).</summary>
    public long RowCount => ElementCount / Dimensions[0];

    /// <summary>The shape in Hugging Face order (outermost first).</summary>
    public long[] Shape => [.. Dimensions.Reverse()];
}

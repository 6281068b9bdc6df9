namespace EdgeLLM.Quantize.Gguf;

/// <summary>
/// One tensor of a GGUF file: its llama.cpp name, its dimensions in ggml order (innermost first, so a
/// Hugging Face <c>[out, in]</c> weight is <c>[in, out]</c>), its type, and a callback that writes exactly
/// <see cref="ByteCount"/> bytes of data when the writer reaches it (tensors are streamed, never held whole).
/// </summary>
public sealed record GgufTensor(string Name, IReadOnlyList<long> Dimensions, GgmlType Type, Action<Stream> WriteData)
{
    /// <summary>Elements along the innermost dimension (what ggml quantizes in blocks).</summary>
    public long RowLength => Dimensions[0];

    /// <summary>Rows: the product of every dimension after the first.</summary>
    public long RowCount => Dimensions.Skip(1).Aggregate(1L, (product, dimension) => product * dimension);

    public long ByteCount => Type.RowByteCount(RowLength) * RowCount;
}

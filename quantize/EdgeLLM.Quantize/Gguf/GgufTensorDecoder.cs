using System.Buffers;
using EdgeLLM.Format;
using EdgeLLM.Quantize.Checkpoints;

namespace EdgeLLM.Quantize.Gguf;

/// <summary>
/// Reads a GGUF tensor's elements as fp32 in Hugging Face order: each requested row segment is
/// dequantized from the blocks that cover it, straight from the mapping; rows are taken through
/// <see cref="RowOrder"/> where llama.cpp stored them permuted (Llama's q/k projections).
/// </summary>
public sealed unsafe class GgufTensorDecoder : ITensorDecoder
{
    private readonly MappedGgufFile file;
    private readonly long rowBytes;
    private readonly long rowLength;

    /// <param name="rowOrder">
    /// For each Hugging Face row, the file row holding it; null when the order is the same. A permuted 1-D
    /// tensor (a Llama q/k bias) is permuted element by element: its rows are single elements.
    /// </param>
    public GgufTensorDecoder(MappedGgufFile file, GgufTensorInfo tensor, long[]? rowOrder)
    {
        this.file = file;
        Tensor = tensor;
        RowOrder = rowOrder;
        rowLength = rowOrder is not null && tensor.Dimensions.Length == 1 ? 1 : tensor.RowLength;
        if (rowLength % tensor.Type.BlockLength() != 0)
        {
            throw new EdgeLlmException($"{file.Path}: tensor '{tensor.Name}' is permuted element by element but stored in {tensor.Type} blocks");
        }

        rowBytes = tensor.Type.RowByteCount(rowLength);
    }

    public GgufTensorInfo Tensor { get; }

    public MappedGgufFile File => file;

    /// <summary>For each Hugging Face row, the file row holding it (null: identity).</summary>
    public long[]? RowOrder { get; }

    public string StorageName => Tensor.Type.ToString();

    /// <summary>The stored bytes of Hugging Face row <paramref name="row"/>.</summary>
    public ReadOnlySpan<byte> RowBytes(long row)
    {
        long fileRow = RowOrder is null ? row : RowOrder[row];
        return new ReadOnlySpan<byte>(file.Pointer(Tensor) + (fileRow * rowBytes), checked((int)rowBytes));
    }

    public void Decode(long elementOffset, Span<float> destination)
    {
        int blockLength = Tensor.Type.BlockLength();
        int blockBytes = Tensor.Type.BlockByteCount();
        int done = 0;
        float[]? scratch = null;
        try
        {
            while (done < destination.Length)
            {
                long element = elementOffset + done;
                long row = element / rowLength;
                int column = (int)(element % rowLength);
                int count = (int)Math.Min(destination.Length - done, rowLength - column);
                int firstBlock = column / blockLength;
                int lastBlock = (column + count - 1) / blockLength;
                int blocks = lastBlock - firstBlock + 1;
                ReadOnlySpan<byte> source = RowBytes(row).Slice(firstBlock * blockBytes, blocks * blockBytes);
                int skip = column - (firstBlock * blockLength);
                if (skip == 0 && count == blocks * blockLength)
                {
                    GgmlDequantizer.Dequantize(Tensor.Type, source, destination.Slice(done, count));
                }
                else
                {
                    scratch ??= ArrayPool<float>.Shared.Rent((int)Math.Min(rowLength, destination.Length + (2L * blockLength)));
                    if (scratch.Length < blocks * blockLength)
                    {
                        ArrayPool<float>.Shared.Return(scratch);
                        scratch = ArrayPool<float>.Shared.Rent(blocks * blockLength);
                    }

                    Span<float> decoded = scratch.AsSpan(0, blocks * blockLength);
                    GgmlDequantizer.Dequantize(Tensor.Type, source, decoded);
                    decoded.Slice(skip, count).CopyTo(destination.Slice(done, count));
                }

                done += count;
            }
        }
        finally
        {
            if (scratch is not null)
            {
                ArrayPool<float>.Shared.Return(scratch);
            }
        }
    }
}

using EdgeLLM.Format;
using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Quantize.Onnx;
using DataType = EdgeLLM.Quantize.Onnx.Proto.TensorProto.Types.DataType;

namespace EdgeLLM.Quantize.Architectures;

/// <summary>
/// A Hugging Face Linear weight <c>W [out_features, in_features]</c> made of one or more checkpoint
/// tensors stacked along out_features (packed q|k|v). Reads row ranges or row segments as fp32 and
/// streams them, as stored or transposed, into the external data file without holding the whole matrix.
/// </summary>
internal sealed class LinearWeight
{
    /// <summary>Upper bound of the fp32 staging buffer used while transposing (elements).</summary>
    private const long TransposeBufferElements = 8L << 20;

    private const long RowChunkElements = 1L << 20;

    private readonly TensorView[] parts;
    private readonly long[] partFirstRows;

    public LinearWeight(string name, params TensorView[] parts)
    {
        if (parts.Length == 0)
        {
            throw new ArgumentException("a linear weight needs at least one tensor", nameof(parts));
        }

        Name = name;
        this.parts = parts;
        partFirstRows = new long[parts.Length];
        InFeatures = parts[0].RowLength;
        foreach ((TensorView part, int index) in parts.Select((part, index) => (part, index)))
        {
            if (part.Shape.Count != 2 || part.RowLength != InFeatures)
            {
                throw new EdgeLlmException(
                    $"tensor '{part.Name}': shape [{string.Join(", ", part.Shape)}] does not stack with [*, {InFeatures}] into '{name}'");
            }

            partFirstRows[index] = OutFeatures;
            OutFeatures += part.RowCount;
        }
    }

    /// <summary>The graph name of this weight (e.g. "model.layers.0.self_attn.qkv_proj").</summary>
    public string Name { get; }

    /// <summary>The checkpoint tensors stacked, in order.</summary>
    public IReadOnlyList<TensorView> Parts => parts;

    public long OutFeatures { get; }

    public long InFeatures { get; }

    /// <summary>Converts rows [firstRow, firstRow + rowCount) (across parts) to fp32.</summary>
    public void ReadRows(long firstRow, int rowCount, Span<float> destination)
    {
        int written = 0;
        long row = firstRow;
        while (written < rowCount)
        {
            int part = PartOf(row);
            long localRow = row - partFirstRows[part];
            int count = (int)Math.Min(rowCount - written, parts[part].RowCount - localRow);
            parts[part].ReadRows(localRow, count, destination.Slice(checked((int)(written * InFeatures)), checked((int)(count * InFeatures))));

            // Rows are read once, in order (quantizers and the row writer stream them): drop their file pages now,
            // not when the whole tensor is done, so no tensor is ever resident whole (an 8B model's embedding is 1 GB).
            parts[part].ReleaseRows(localRow, count);
            written += count;
            row += count;
        }
    }

    /// <summary>Streams W as stored, <c>[out, in]</c>, row chunk by row chunk.</summary>
    public void WriteRows(ExternalDataWriter writer, DataType type)
    {
        int rowsPerChunk = (int)Math.Clamp(RowChunkElements / InFeatures, 1, OutFeatures);
        var buffer = new float[rowsPerChunk * InFeatures];
        for (long row = 0; row < OutFeatures; row += rowsPerChunk)
        {
            int count = (int)Math.Min(rowsPerChunk, OutFeatures - row);
            Span<float> chunk = buffer.AsSpan(0, checked((int)(count * InFeatures)));
            ReadRows(row, count, chunk);
            FloatTensorEncoding.Write(writer, chunk, type);
        }
    }

    /// <summary>
    /// Streams Wᵀ, <c>[in, out]</c> (the MatMul layout), a block of input features at a time; the block
    /// buffer holds at most <paramref name="bufferElements"/> fp32 values (one column at the least).
    /// </summary>
    public void WriteTransposed(ExternalDataWriter writer, DataType type, long bufferElements = TransposeBufferElements)
    {
        const int rowsPerTile = 256;
        int columnsPerBlock = (int)Math.Clamp(bufferElements / OutFeatures, 1, InFeatures);
        var block = new float[columnsPerBlock * OutFeatures];
        var tile = new float[rowsPerTile * columnsPerBlock];
        for (long firstColumn = 0; firstColumn < InFeatures; firstColumn += columnsPerBlock)
        {
            int columns = (int)Math.Min(columnsPerBlock, InFeatures - firstColumn);
            for (long firstRow = 0; firstRow < OutFeatures; firstRow += rowsPerTile)
            {
                // Gather a tile of row segments, then scatter it column by column (contiguous runs in the block).
                int rows = (int)Math.Min(rowsPerTile, OutFeatures - firstRow);
                for (int row = 0; row < rows; row++)
                {
                    int part = PartOf(firstRow + row);
                    long localRow = firstRow + row - partFirstRows[part];
                    parts[part].ReadFloats((localRow * InFeatures) + firstColumn, tile.AsSpan(row * columns, columns));
                }

                for (int column = 0; column < columns; column++)
                {
                    Span<float> destination = block.AsSpan(checked((int)((column * OutFeatures) + firstRow)), rows);
                    for (int row = 0; row < rows; row++)
                    {
                        destination[row] = tile[(row * columns) + column];
                    }
                }
            }

            FloatTensorEncoding.Write(writer, block.AsSpan(0, checked((int)(columns * OutFeatures))), type);
        }
    }

    private int PartOf(long row)
    {
        int part = parts.Length - 1;
        while (partFirstRows[part] > row)
        {
            part--;
        }

        return part;
    }
}

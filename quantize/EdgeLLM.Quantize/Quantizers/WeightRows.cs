using EdgeLLM.Format;

namespace EdgeLLM.Quantize.Quantizers;

/// <summary>
/// A weight matrix [<paramref name="RowCount"/> = N, <paramref name="ColumnCount"/> = K] the quantizer
/// reads row chunk by row chunk (a checkpoint tensor, or several stacked like packed q|k|v), so it is
/// never held whole as fp32. <paramref name="Name"/> names it in error messages and reports.
/// </summary>
public sealed record WeightRows(string Name, long RowCount, int ColumnCount, WeightRows.Reader ReadRows)
{
    /// <summary>Converts rows [firstRow, firstRow + rowCount) to fp32 into <paramref name="destination"/> (rowCount × K values).</summary>
    public delegate void Reader(long firstRow, int rowCount, Span<float> destination);

    /// <summary>A 2-D checkpoint tensor, or an <see cref="EdgeLlmException"/> naming it when it is not 2-D.</summary>
    public static WeightRows Of(Checkpoints.TensorView tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Shape.Count != 2)
        {
            throw new EdgeLlmException($"tensor '{tensor.Name}': block quantization needs a 2-D weight, not shape [{string.Join(", ", tensor.Shape)}]");
        }

        return new WeightRows(tensor.Name, tensor.RowCount, checked((int)tensor.RowLength), tensor.ReadRows);
    }
}

namespace EdgeLLM.Quantize.Quantizers;

/// <summary>
/// The running sum of squared activations per input channel of one Linear layer over the rows of a calibration run
/// (llama.cpp's importance matrix): <see cref="Add"/> takes rows of <see cref="Width"/> values as the layer reads
/// them, <see cref="Means"/> gives E[x²] per channel. Sums are kept in doubles so long runs lose nothing.
/// </summary>
public sealed class ActivationSquares
{
    private readonly double[] sums;

    public ActivationSquares(int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        sums = new double[width];
    }

    /// <summary>Input channels (K of the Linear layers that read these activations).</summary>
    public int Width => sums.Length;

    /// <summary>Rows added so far.</summary>
    public long RowCount { get; private set; }

    /// <summary>Adds whole rows (<paramref name="rows"/>.Length a multiple of <see cref="Width"/>); allocates nothing.</summary>
    public void Add(ReadOnlySpan<float> rows)
    {
        if (rows.Length % sums.Length != 0)
        {
            throw new ArgumentException($"{rows.Length} activations are not whole rows of {sums.Length}", nameof(rows));
        }

        for (int start = 0; start < rows.Length; start += sums.Length)
        {
            ReadOnlySpan<float> row = rows.Slice(start, sums.Length);
            for (int channel = 0; channel < row.Length; channel++)
            {
                double value = row[channel];
                sums[channel] += value * value;
            }
        }

        RowCount += rows.Length / sums.Length;
    }

    /// <summary>
    /// E[x²] per channel. A channel that never carried anything would make its weights free to take any value; it is
    /// raised to <see cref="ChannelImportance.Floor"/> × the mean over channels, so it still counts a little.
    /// </summary>
    public float[] Means()
    {
        if (RowCount == 0)
        {
            throw new InvalidOperationException("no activation rows were added");
        }

        return FlooredMeans(sums, RowCount);
    }

    /// <summary>Sums of squares over <paramref name="rowCount"/> rows → E[x²] per channel, floored at <see cref="ChannelImportance.Floor"/> × their mean.</summary>
    internal static float[] FlooredMeans(ReadOnlySpan<double> sums, long rowCount)
    {
        var means = new float[sums.Length];
        double total = 0;
        for (int channel = 0; channel < sums.Length; channel++)
        {
            double mean = sums[channel] / rowCount;
            means[channel] = (float)mean;
            total += mean;
        }

        float floor = (float)(ChannelImportance.Floor * total / sums.Length);
        for (int channel = 0; channel < means.Length; channel++)
        {
            means[channel] = Math.Max(means[channel], floor);
        }

        return means;
    }
}

using System.Numerics;

namespace EdgeLLM.Quantize.Quantizers;

/// <summary>
/// The running sum of x·xᵀ over the activation rows one Linear layer reads in a calibration run (GPTQ's Hessian,
/// 2·XᵀX up to its factor): <see cref="Add"/> takes rows of <see cref="Width"/> values, <see cref="Mean"/> gives
/// E[x·xᵀ] and <see cref="Means"/> its diagonal (E[x²] per channel, as <see cref="ActivationSquares"/> gives it).
/// Only the lower triangle is summed, in doubles; Width² doubles of memory.
/// </summary>
public sealed class ActivationCovariance
{
    private readonly double[] sums;

    public ActivationCovariance(int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        Width = width;
        sums = new double[checked(width * width)];
    }

    /// <summary>Input channels (K of the Linear layers that read these activations).</summary>
    public int Width { get; }

    /// <summary>Rows added so far.</summary>
    public long RowCount { get; private set; }

    /// <summary>Adds whole rows (<paramref name="rows"/>.Length a multiple of <see cref="Width"/>); allocates nothing.</summary>
    public void Add(ReadOnlySpan<float> rows)
    {
        if (rows.Length % Width != 0)
        {
            throw new ArgumentException($"{rows.Length} activations are not whole rows of {Width}", nameof(rows));
        }

        Span<double> row = Width <= 4096 ? stackalloc double[Width] : new double[Width];
        for (int start = 0; start < rows.Length; start += Width)
        {
            ReadOnlySpan<float> values = rows.Slice(start, Width);
            for (int i = 0; i < Width; i++)
            {
                row[i] = values[i];
            }

            for (int i = 0; i < Width; i++)
            {
                double value = row[i];
                if (value != 0)
                {
                    AddScaled(sums.AsSpan(i * Width, i + 1), row[..(i + 1)], value);
                }
            }
        }

        RowCount += rows.Length / Width;
    }

    /// <summary>E[x·xᵀ] as a full symmetric Width × Width matrix (row-major).</summary>
    public double[] Mean()
    {
        if (RowCount == 0)
        {
            throw new InvalidOperationException("no activation rows were added");
        }

        var mean = new double[sums.Length];
        for (int i = 0; i < Width; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double value = sums[(i * Width) + j] / RowCount;
                mean[(i * Width) + j] = value;
                mean[(j * Width) + i] = value;
            }
        }

        return mean;
    }

    /// <summary>The diagonal, E[x²] per channel, floored as <see cref="ActivationSquares.Means"/> floors it.</summary>
    public float[] Means()
    {
        if (RowCount == 0)
        {
            throw new InvalidOperationException("no activation rows were added");
        }

        var diagonal = new double[Width];
        for (int i = 0; i < Width; i++)
        {
            diagonal[i] = sums[(i * Width) + i];
        }

        return ActivationSquares.FlooredMeans(diagonal, RowCount);
    }

    /// <summary>destination[j] += source[j] × factor.</summary>
    private static void AddScaled(Span<double> destination, ReadOnlySpan<double> source, double factor)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var scale = new Vector<double>(factor);
            for (; i <= source.Length - Vector<double>.Count; i += Vector<double>.Count)
            {
                var sum = new Vector<double>(destination[i..]) + (new Vector<double>(source[i..]) * scale);
                sum.CopyTo(destination[i..]);
            }
        }

        for (; i < source.Length; i++)
        {
            destination[i] += source[i] * factor;
        }
    }
}

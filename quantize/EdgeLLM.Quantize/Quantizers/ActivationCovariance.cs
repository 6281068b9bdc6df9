using System.Numerics;

namespace EdgeLLM.Quantize.Quantizers;

/// <summary>
/// The running sum of x·xᵀ over the activation rows one Linear layer reads in a calibration run (GPTQ's Hessian,
/// 2·XᵀX up to its factor): <see cref="Add"/> takes rows of <see cref="Width"/> values, <see cref="Mean"/> gives
/// E[x·xᵀ] and <see cref="Means"/> its diagonal (E[x²] per channel, as <see cref="ActivationSquares"/> gives it).
/// Only the lower triangle is kept, packed, in floats (Width·(Width+1)/2 of them: 160 MB for an 8,960-wide input). Rows
/// are added <see cref="ChunkRows"/> at a time: transposed once, then every pair of channels is one dot product over
/// the chunk, four channels by two at a time.
/// </summary>
public sealed class ActivationCovariance
{
    /// <summary>Rows summed in registers before they reach the stored triangle.</summary>
    private const int ChunkRows = 64;

    private readonly float[] sums;
    private readonly float[] transposed;

    public ActivationCovariance(int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        Width = width;
        sums = new float[checked((int)((long)width * (width + 1) / 2))];
        transposed = new float[checked(width * ChunkRows)];
    }

    /// <summary>Input channels (K of the Linear layers that read these activations).</summary>
    public int Width { get; }

    /// <summary>Rows added so far.</summary>
    public long RowCount { get; private set; }

    /// <summary>Bytes one covariance of <paramref name="width"/> channels keeps.</summary>
    public static long BytesFor(int width) => ((long)width * (width + 1) / 2 * sizeof(float)) + ((long)width * ChunkRows * sizeof(float));

    /// <summary>Adds whole rows (<paramref name="rows"/>.Length a multiple of <see cref="Width"/>); allocates nothing.</summary>
    public void Add(ReadOnlySpan<float> rows)
    {
        if (rows.Length % Width != 0)
        {
            throw new ArgumentException($"{rows.Length} activations are not whole rows of {Width}", nameof(rows));
        }

        int rowCount = rows.Length / Width;
        for (int first = 0; first < rowCount; first += ChunkRows)
        {
            int count = Math.Min(ChunkRows, rowCount - first);
            Array.Clear(transposed);
            for (int r = 0; r < count; r++)
            {
                ReadOnlySpan<float> row = rows.Slice((first + r) * Width, Width);
                for (int channel = 0; channel < Width; channel++)
                {
                    transposed[(channel * ChunkRows) + r] = row[channel];
                }
            }

            AddChunk();
        }

        RowCount += rowCount;
    }

    /// <summary>E[x·xᵀ] as a full symmetric Width × Width matrix (row-major, doubles).</summary>
    public double[] Mean()
    {
        if (RowCount == 0)
        {
            throw new InvalidOperationException("no activation rows were added");
        }

        var mean = new double[(long)Width * Width];
        for (int i = 0; i < Width; i++)
        {
            for (int j = 0; j < Width; j++)
            {
                mean[((long)i * Width) + j] = MeanAt(i, j);
            }
        }

        return mean;
    }

    /// <summary>E[x_row·x_column] (the stored triangle holds row ≥ column; the matrix is symmetric).</summary>
    internal double MeanAt(int row, int column)
    {
        (int high, int low) = row >= column ? (row, column) : (column, row);
        return (double)sums[((long)high * (high + 1) / 2) + low] / RowCount;
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
            diagonal[i] = sums[((long)i * (i + 1) / 2) + i];
        }

        return ActivationSquares.FlooredMeans(diagonal, RowCount);
    }

    /// <summary>
    /// sums[i, j] += Σ over the chunk of x_i·x_j for j ≤ i, channels i in fours against channels j in twos; the rows of
    /// the triangle split over the cores in parts of equal area (row i costs i), each part writing only its own rows.
    /// </summary>
    private void AddChunk()
    {
        int parts = Math.Min(Environment.ProcessorCount, Math.Max(1, Width / 256));
        if (parts == 1)
        {
            AddRows(0, Width);
            return;
        }

        var bounds = new int[parts + 1];
        for (int part = 1; part < parts; part++)
        {
            bounds[part] = Math.Min(Width, (int)(Width * Math.Sqrt((double)part / parts)) / 4 * 4);
        }

        bounds[parts] = Width;
        Parallel.For(0, parts, part => AddRows(bounds[part], bounds[part + 1]));
    }

    /// <summary>The chunk's products for the triangle's rows [first, end) (first a multiple of 4).</summary>
    private void AddRows(int first, int end)
    {
        ReadOnlySpan<float> columns = transposed;
        Span<float> dots = stackalloc float[8];
        for (int i0 = first; i0 < end; i0 += 4)
        {
            int iCount = Math.Min(4, end - i0);
            int jEnd = i0 + iCount;
            for (int j0 = 0; j0 < jEnd; j0 += 2)
            {
                int jCount = Math.Min(2, jEnd - j0);
                DotTile(columns, i0, iCount, j0, jCount, dots);
                for (int a = 0; a < iCount; a++)
                {
                    int i = i0 + a;
                    long rowStart = (long)i * (i + 1) / 2;
                    for (int b = 0; b < jCount; b++)
                    {
                        int j = j0 + b;
                        if (j <= i)
                        {
                            sums[rowStart + j] += dots[(a * 2) + b];
                        }
                    }
                }
            }
        }
    }

    /// <summary>dots[a·2 + b] = column (i0 + a) · column (j0 + b) over the chunk; columns past the counts read as the first.</summary>
    private static void DotTile(ReadOnlySpan<float> columns, int i0, int iCount, int j0, int jCount, Span<float> dots)
    {
        ReadOnlySpan<float> i0Column = columns.Slice(i0 * ChunkRows, ChunkRows);
        ReadOnlySpan<float> i1Column = columns.Slice((i0 + (iCount > 1 ? 1 : 0)) * ChunkRows, ChunkRows);
        ReadOnlySpan<float> i2Column = columns.Slice((i0 + (iCount > 2 ? 2 : 0)) * ChunkRows, ChunkRows);
        ReadOnlySpan<float> i3Column = columns.Slice((i0 + (iCount > 3 ? 3 : 0)) * ChunkRows, ChunkRows);
        ReadOnlySpan<float> j0Column = columns.Slice(j0 * ChunkRows, ChunkRows);
        ReadOnlySpan<float> j1Column = columns.Slice((j0 + (jCount > 1 ? 1 : 0)) * ChunkRows, ChunkRows);
        Vector<float> s00 = default, s01 = default, s10 = default, s11 = default, s20 = default, s21 = default, s30 = default, s31 = default;
        for (int r = 0; r < ChunkRows; r += Vector<float>.Count)
        {
            var j0Values = new Vector<float>(j0Column[r..]);
            var j1Values = new Vector<float>(j1Column[r..]);
            var values = new Vector<float>(i0Column[r..]);
            s00 += values * j0Values;
            s01 += values * j1Values;
            values = new Vector<float>(i1Column[r..]);
            s10 += values * j0Values;
            s11 += values * j1Values;
            values = new Vector<float>(i2Column[r..]);
            s20 += values * j0Values;
            s21 += values * j1Values;
            values = new Vector<float>(i3Column[r..]);
            s30 += values * j0Values;
            s31 += values * j1Values;
        }

        dots[0] = Vector.Sum(s00);
        dots[1] = Vector.Sum(s01);
        dots[2] = Vector.Sum(s10);
        dots[3] = Vector.Sum(s11);
        dots[4] = Vector.Sum(s20);
        dots[5] = Vector.Sum(s21);
        dots[6] = Vector.Sum(s30);
        dots[7] = Vector.Sum(s31);
    }
}

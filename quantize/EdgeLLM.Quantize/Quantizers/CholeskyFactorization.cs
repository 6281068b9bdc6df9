using System.Numerics;

namespace EdgeLLM.Quantize.Quantizers;

/// <summary>Dense Cholesky factorization in place, on row-major n × n doubles (lower triangle).</summary>
internal static class CholeskyFactorization
{
    private const int Panel = 64;

    /// <summary>
    /// A = L·Lᵀ: L overwrites A's lower triangle (the upper is left as it was). False when A is not positive definite.
    /// Right-looking by panels of <see cref="Panel"/> columns: factor the panel's diagonal block, solve the rows below it
    /// (one row per task), then take the panel's product off the trailing triangle in 2 × 4 register tiles over a packed
    /// copy of the panel's columns, rows split over the cores by equal shares of the triangle.
    /// </summary>
    public static bool LowerInPlace(double[] a, int n)
    {
        ArgumentNullException.ThrowIfNull(a);
        var packed = new double[n * Panel];
        for (int first = 0; first < n; first += Panel)
        {
            int end = Math.Min(first + Panel, n);
            int width = end - first;

            // 1. The diagonal block (earlier panels are already taken off it).
            for (int r = first; r < end; r++)
            {
                Span<double> rowR = a.AsSpan((r * n) + first, r - first + 1);
                for (int j = first; j <= r; j++)
                {
                    double sum = rowR[j - first] - Dot(rowR[..(j - first)], a.AsSpan((j * n) + first, j - first));
                    if (j == r)
                    {
                        if (!(sum > 0) || !double.IsFinite(sum))
                        {
                            return false;
                        }

                        rowR[j - first] = Math.Sqrt(sum);
                    }
                    else
                    {
                        rowR[j - first] = sum / a[(j * n) + j];
                    }
                }
            }

            if (end == n)
            {
                break;
            }

            // 2. The rows below: L[r, first..end) = A[r, first..end)·L₁₁⁻ᵀ, then packed contiguously.
            int panelFirst = first;
            ForEachShare(end, n, rowCost: _ => width * width, (rowStart, rowEnd) =>
            {
                for (int r = rowStart; r < rowEnd; r++)
                {
                    Span<double> rowR = a.AsSpan((r * n) + panelFirst, width);
                    for (int j = 0; j < width; j++)
                    {
                        int column = panelFirst + j;
                        rowR[j] = (rowR[j] - Dot(rowR[..j], a.AsSpan((column * n) + panelFirst, j))) / a[(column * n) + column];
                    }

                    rowR.CopyTo(packed.AsSpan((r - end) * Panel, width));
                }
            });

            // 3. The trailing triangle: A[r, j] −= L[r, panel]·L[j, panel] for end ≤ j ≤ r.
            int trailingFirst = end;
            ForEachShare(end, n, rowCost: r => r - trailingFirst + 1, (rowStart, rowEnd) => UpdateTrailing(a, n, packed, width, trailingFirst, rowStart, rowEnd));
        }

        return true;
    }

    /// <summary>A[r, j] −= P[r]·P[j] for rows [rowStart, rowEnd) and end ≤ j ≤ r, P = the packed panel rows (row r at r − end).</summary>
    private static void UpdateTrailing(double[] a, int n, double[] packed, int width, int end, int rowStart, int rowEnd)
    {
        Span<double> tile = stackalloc double[8];
        for (int r = rowStart; r < rowEnd; r += 2)
        {
            int rows = Math.Min(2, rowEnd - r);
            int last = r + rows - 1;
            for (int j = end; j <= last; j += 4)
            {
                int columns = Math.Min(4, last - j + 1);
                Tile(packed, width, r - end, rows, j - end, columns, tile);
                for (int dr = 0; dr < rows; dr++)
                {
                    int row = r + dr;
                    for (int dc = 0; dc < columns && j + dc <= row; dc++)
                    {
                        a[((long)row * n) + j + dc] -= tile[(dr * 4) + dc];
                    }
                }
            }
        }
    }

    /// <summary>tile[dr·4 + dc] = P[r + dr]·P[j + dc] over <paramref name="width"/> columns; rows or columns past the counts read the first.</summary>
    private static void Tile(double[] packed, int width, int r, int rows, int j, int columns, Span<double> tile)
    {
        ReadOnlySpan<double> r0 = packed.AsSpan(r * Panel, width);
        ReadOnlySpan<double> r1 = packed.AsSpan((r + (rows > 1 ? 1 : 0)) * Panel, width);
        ReadOnlySpan<double> c0 = packed.AsSpan(j * Panel, width);
        ReadOnlySpan<double> c1 = packed.AsSpan((j + (columns > 1 ? 1 : 0)) * Panel, width);
        ReadOnlySpan<double> c2 = packed.AsSpan((j + (columns > 2 ? 2 : 0)) * Panel, width);
        ReadOnlySpan<double> c3 = packed.AsSpan((j + (columns > 3 ? 3 : 0)) * Panel, width);
        Vector<double> s00 = default, s01 = default, s02 = default, s03 = default, s10 = default, s11 = default, s12 = default, s13 = default;
        int k = 0;
        for (; k <= width - Vector<double>.Count; k += Vector<double>.Count)
        {
            var x0 = new Vector<double>(r0[k..]);
            var x1 = new Vector<double>(r1[k..]);
            var y = new Vector<double>(c0[k..]);
            s00 += x0 * y;
            s10 += x1 * y;
            y = new Vector<double>(c1[k..]);
            s01 += x0 * y;
            s11 += x1 * y;
            y = new Vector<double>(c2[k..]);
            s02 += x0 * y;
            s12 += x1 * y;
            y = new Vector<double>(c3[k..]);
            s03 += x0 * y;
            s13 += x1 * y;
        }

        tile[0] = Vector.Sum(s00);
        tile[1] = Vector.Sum(s01);
        tile[2] = Vector.Sum(s02);
        tile[3] = Vector.Sum(s03);
        tile[4] = Vector.Sum(s10);
        tile[5] = Vector.Sum(s11);
        tile[6] = Vector.Sum(s12);
        tile[7] = Vector.Sum(s13);
        for (; k < width; k++)
        {
            tile[0] += r0[k] * c0[k];
            tile[1] += r0[k] * c1[k];
            tile[2] += r0[k] * c2[k];
            tile[3] += r0[k] * c3[k];
            tile[4] += r1[k] * c0[k];
            tile[5] += r1[k] * c1[k];
            tile[6] += r1[k] * c2[k];
            tile[7] += r1[k] * c3[k];
        }
    }

    /// <summary>Runs <paramref name="body"/> over [start, end) in one part per core of about equal total <paramref name="rowCost"/> (parts start at even rows), or at once when small.</summary>
    private static void ForEachShare(int start, int end, Func<int, long> rowCost, Action<int, int> body)
    {
        long total = 0;
        for (int r = start; r < end; r++)
        {
            total += rowCost(r);
        }

        int parts = Environment.ProcessorCount;
        if (parts <= 1 || total < 1 << 16)
        {
            body(start, end);
            return;
        }

        var bounds = new int[parts + 1];
        bounds[0] = start;
        long done = 0;
        int part = 1;
        for (int r = start; r < end && part < parts; r++)
        {
            done += rowCost(r);
            if (done * parts >= total * part && (r + 1 - start) % 2 == 0)
            {
                bounds[part++] = r + 1;
            }
        }

        for (; part <= parts; part++)
        {
            bounds[part] = end;
        }

        Parallel.For(0, parts, index => body(bounds[index], bounds[index + 1]));
    }

    private static double Dot(ReadOnlySpan<double> left, ReadOnlySpan<double> right)
    {
        int i = 0;
        double sum = 0;
        if (Vector.IsHardwareAccelerated && left.Length >= Vector<double>.Count)
        {
            var vector = Vector<double>.Zero;
            for (; i <= left.Length - Vector<double>.Count; i += Vector<double>.Count)
            {
                vector += new Vector<double>(left[i..]) * new Vector<double>(right[i..]);
            }

            sum = Vector.Sum(vector);
        }

        for (; i < left.Length; i++)
        {
            sum += left[i] * right[i];
        }

        return sum;
    }
}

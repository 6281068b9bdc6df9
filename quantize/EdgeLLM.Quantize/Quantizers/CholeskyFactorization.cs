using System.Numerics;

namespace EdgeLLM.Quantize.Quantizers;

/// <summary>
/// Dense Cholesky factorization and lower-triangular inversion in place, on row-major n × n doubles (lower triangle),
/// in panels of <see cref="Panel"/> rows: the work of a panel against every row above it is split over the cores, each
/// core reading every earlier row once for all its rows of the panel, so an 8,960-wide matrix streams its triangle about
/// n/<see cref="Panel"/> times per core instead of n times.
/// </summary>
internal static class CholeskyFactorization
{
    private const int Panel = 32;
    private const int Group = 4;

    /// <summary>A = L·Lᵀ: L overwrites A's lower triangle (the upper is left as it was). False when A is not positive definite.</summary>
    public static bool LowerInPlace(double[] a, int n)
    {
        ArgumentNullException.ThrowIfNull(a);
        for (int first = 0; first < n; first += Panel)
        {
            int end = Math.Min(first + Panel, n);
            int panelStart = first;

            // Rows of the panel against every finished column before it: L[r, j] = (A[r, j] − L[r, :j]·L[j, :j]) / L[j, j].
            ForEachGroup(panelStart, end, (groupStart, groupEnd) =>
            {
                for (int j = 0; j < panelStart; j++)
                {
                    ReadOnlySpan<double> rowJ = a.AsSpan(j * n, j);
                    double diagonal = a[(j * n) + j];
                    for (int r = groupStart; r < groupEnd; r++)
                    {
                        Span<double> rowR = a.AsSpan(r * n, j + 1);
                        rowR[j] = (rowR[j] - Dot(rowR[..j], rowJ)) / diagonal;
                    }
                }
            });

            // The panel's own triangle, in order.
            for (int r = first; r < end; r++)
            {
                Span<double> rowR = a.AsSpan(r * n, r + 1);
                for (int j = first; j <= r; j++)
                {
                    double sum = rowR[j] - Dot(rowR[..j], a.AsSpan(j * n, j));
                    if (j == r)
                    {
                        if (!(sum > 0) || !double.IsFinite(sum))
                        {
                            return false;
                        }

                        rowR[r] = Math.Sqrt(sum);
                    }
                    else
                    {
                        rowR[j] = sum / a[(j * n) + j];
                    }
                }
            }
        }

        return true;
    }

    /// <summary>L⁻¹ overwrites the lower triangle L (a nonsingular lower-triangular matrix); row i of L⁻¹ is (eᵢ − Σₖ₍ₖ₌₀..ᵢ₋₁₎ L[i, k]·L⁻¹[k, :]) / L[i, i].</summary>
    public static void InvertLowerInPlace(double[] a, int n)
    {
        ArgumentNullException.ThrowIfNull(a);
        var panelRows = new double[Panel * n];
        for (int first = 0; first < n; first += Panel)
        {
            int end = Math.Min(first + Panel, n);
            int panelStart = first;
            for (int r = first; r < end; r++)
            {
                a.AsSpan(r * n, r + 1).CopyTo(panelRows.AsSpan((r - first) * n, r + 1));
                a.AsSpan(r * n, r + 1).Clear();
            }

            // −Σ over the finished rows above the panel.
            ForEachGroup(panelStart, end, (groupStart, groupEnd) =>
            {
                for (int k = 0; k < panelStart; k++)
                {
                    ReadOnlySpan<double> rowK = a.AsSpan(k * n, k + 1);
                    for (int r = groupStart; r < groupEnd; r++)
                    {
                        double factor = panelRows[((r - panelStart) * n) + k];
                        if (factor != 0)
                        {
                            SubtractScaled(a.AsSpan(r * n, k + 1), rowK, factor);
                        }
                    }
                }
            });

            // The panel's own rows, in order, each finished before the next reads it.
            for (int r = first; r < end; r++)
            {
                ReadOnlySpan<double> original = panelRows.AsSpan((r - first) * n, r + 1);
                Span<double> rowR = a.AsSpan(r * n, r + 1);
                for (int k = first; k < r; k++)
                {
                    if (original[k] != 0)
                    {
                        SubtractScaled(rowR[..(k + 1)], a.AsSpan(k * n, k + 1), original[k]);
                    }
                }

                double reciprocal = 1.0 / original[r];
                for (int j = 0; j < r; j++)
                {
                    rowR[j] *= reciprocal;
                }

                rowR[r] = reciprocal;
            }
        }
    }

    /// <summary>Runs <paramref name="body"/> over [start, end) split in one part per core (parts of at least <see cref="Group"/> rows), in parallel when the work is large enough.</summary>
    private static void ForEachGroup(int start, int end, Action<int, int> body)
    {
        if (start == 0)
        {
            return;
        }

        int rows = end - start;
        int parts = Math.Min(Environment.ProcessorCount, (rows + Group - 1) / Group);
        if (parts <= 1 || (long)start * rows < 1 << 16)
        {
            body(start, end);
            return;
        }

        int perPart = (rows + parts - 1) / parts;
        Parallel.For(0, parts, part => body(start + (part * perPart), Math.Min(start + ((part + 1) * perPart), end)));
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

    /// <summary>destination −= source × factor.</summary>
    private static void SubtractScaled(Span<double> destination, ReadOnlySpan<double> source, double factor)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var scale = new Vector<double>(factor);
            for (; i <= source.Length - Vector<double>.Count; i += Vector<double>.Count)
            {
                (new Vector<double>(destination[i..]) - (new Vector<double>(source[i..]) * scale)).CopyTo(destination[i..]);
            }
        }

        for (; i < source.Length; i++)
        {
            destination[i] -= source[i] * factor;
        }
    }
}

using System.Numerics;

namespace EdgeLLM.Quantize.Quantizers;

/// <summary>Dense Cholesky factorization and lower-triangular inversion in place, on row-major n × n doubles (lower triangle).</summary>
internal static class CholeskyFactorization
{
    /// <summary>A = L·Lᵀ: L overwrites A's lower triangle (the upper is left as it was). False when A is not positive definite.</summary>
    public static bool LowerInPlace(Span<double> a, int n)
    {
        for (int i = 0; i < n; i++)
        {
            Span<double> rowI = a.Slice(i * n, i + 1);
            for (int j = 0; j <= i; j++)
            {
                ReadOnlySpan<double> rowJ = a.Slice(j * n, j);
                double sum = rowI[j] - Dot(rowI[..j], rowJ);
                if (i == j)
                {
                    if (!(sum > 0) || !double.IsFinite(sum))
                    {
                        return false;
                    }

                    rowI[i] = Math.Sqrt(sum);
                }
                else
                {
                    rowI[j] = sum / a[(j * n) + j];
                }
            }
        }

        return true;
    }

    /// <summary>L⁻¹ overwrites the lower triangle L (a nonsingular lower-triangular matrix); row i of L⁻¹ is (eᵢ − Σₖ₍ₖ₌₀..ᵢ₋₁₎ L[i, k]·L⁻¹[k, :]) / L[i, i].</summary>
    public static void InvertLowerInPlace(Span<double> a, int n)
    {
        var row = new double[n];
        for (int i = 0; i < n; i++)
        {
            Span<double> rowI = a.Slice(i * n, i + 1);
            rowI.CopyTo(row);
            rowI.Clear();
            for (int k = 0; k < i; k++)
            {
                double factor = row[k];
                if (factor != 0)
                {
                    // rows of L⁻¹ above i are already inverted; row k is nonzero in columns 0..k.
                    SubtractScaled(rowI[..(k + 1)], a.Slice(k * n, k + 1), factor);
                }
            }

            double reciprocal = 1.0 / row[i];
            for (int j = 0; j < i; j++)
            {
                rowI[j] *= reciprocal;
            }

            rowI[i] = reciprocal;
        }
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

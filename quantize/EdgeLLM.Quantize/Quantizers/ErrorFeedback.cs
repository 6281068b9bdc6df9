using System.Numerics;
using System.Runtime.InteropServices;
using EdgeLLM.Format;

namespace EdgeLLM.Quantize.Quantizers;

/// <summary>
/// GPTQ's error feedback for one Linear layer's inputs, in the form that needs no inverse. With H' = S + λ·I
/// (S = (1 − α)·H + α·diag(H), H = E[x·xᵀ] over a calibration run, <see cref="ActivationCovariance"/>, α =
/// <see cref="Shrinkage"/>; λ = <see cref="Damping"/> × the mean of H's diagonal) written as H' = Fᵀ·F with F lower
/// triangular (F = J·Lᵀ·J, L the Cholesky factor of J·H'·J, J the reversal), GPTQ's weight for column j at its turn is
/// <c>w_j + (Σ_{i&lt;j} F[j, i]·δ_i) / F[j, j]</c>, δ_i = w_i − dequantized_i the final error of every earlier column. That is
/// exactly the value the textbook algorithm reaches by pushing each error forward through the upper Cholesky factor of
/// H'⁻¹ (the two are one triangular solve apart), but it reads one row of F per column, as a dot product, and never
/// forms H'⁻¹. Rows are independent, so any number of rows may use one factor at once. Computed in doubles, kept as floats:
/// Width² floats.
/// </summary>
public sealed class ErrorFeedback
{
    /// <summary>λ as a fraction of the mean diagonal (GPTQ's percdamp 0.01); raised ×10 while S + λ·I will not factor.</summary>
    public const double Damping = 0.01;

    private readonly float[] factor;

    /// <summary>
    /// α, how far H's off-diagonal part is shrunk toward 0 (H toward its diagonal, the importance the weighted search
    /// uses): width / (width + rows). A sample covariance of n rows in a width-wide input is trustworthy only when n is
    /// well above the width; with n ≤ width it is singular, and GPTQ then hides the rounding error in directions the
    /// calibration text never excited but other text does. On the synthetic 1.5B (1,536-wide inputs, 1,519 calibration
    /// tokens) plain GPTQ raised mean KL on other tokens from 2.07 (no GPTQ) to 2.79; with this shrinkage (α ≈ 0.5) it is
    /// 2.15, while the tiny fixtures (128-wide inputs, α ≈ 0.08) keep their gain.
    /// </summary>
    public static double Shrinkage(int width, long rows)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        return (double)width / (width + rows);
    }

    private ErrorFeedback(int width, float[] factor)
    {
        Width = width;
        this.factor = factor;
    }

    public int Width { get; }

    /// <summary>F[j, j].</summary>
    public float Diagonal(int column) => factor[((long)column * Width) + column];

    /// <summary>F[row, column] (0 above the diagonal).</summary>
    public float this[int row, int column] => factor[((long)row * Width) + column];

    /// <summary>F[column, 0 .. column): what the earlier columns' errors weigh in column <paramref name="column"/>.</summary>
    public ReadOnlySpan<float> Row(int column) => factor.AsSpan(column * Width, column);

    /// <summary>The factor of <paramref name="covariance"/>'s mean E[x·xᵀ].</summary>
    public static ErrorFeedback From(ActivationCovariance covariance)
    {
        ArgumentNullException.ThrowIfNull(covariance);
        return From(covariance, new double[(long)covariance.Width * covariance.Width], null);
    }

    /// <summary>
    /// The factor of <paramref name="covariance"/>'s mean, read straight from its packed triangle, with
    /// <paramref name="scratch"/> (at least Width² doubles) for the factorization and <paramref name="reuse"/> (an earlier
    /// factor of the same width that is no longer used, or null) giving its storage: a 28-layer model factors 112 inputs,
    /// and an 8,960-wide one takes 960 MB of working memory each time.
    /// </summary>
    internal static ErrorFeedback From(ActivationCovariance covariance, double[] scratch, ErrorFeedback? reuse)
        => Build(covariance, scratch, reuse?.Width == covariance.Width ? reuse.factor : null);

    private static ErrorFeedback Build(ActivationCovariance covariance, double[] reversed, float[]? storage)
    {
        int width = covariance.Width;
        double meanDiagonal = 0;
        for (int i = 0; i < width; i++)
        {
            meanDiagonal += covariance.MeanAt(i, i);
        }

        meanDiagonal /= width;
        if (!(meanDiagonal > 0) || !double.IsFinite(meanDiagonal))
        {
            throw new EdgeLlmException($"the calibration activations of a {width}-wide input carry nothing (mean square {meanDiagonal})");
        }

        double offDiagonal = 1 - Shrinkage(width, covariance.RowCount);
        for (double damping = Damping; damping <= 100; damping *= 10)
        {
            // J·(S + λI)·J, lower triangle: row i, column j ≤ i of it is S[n−1−i, n−1−j].
            for (int i = 0; i < width; i++)
            {
                Span<double> destination = reversed.AsSpan(i * width, i + 1);
                int row = width - 1 - i;
                for (int j = 0; j < i; j++)
                {
                    destination[j] = offDiagonal * covariance.MeanAt(row, width - 1 - j);
                }

                destination[i] = covariance.MeanAt(row, row) + (damping * meanDiagonal);
            }

            if (CholeskyFactorization.LowerInPlace(reversed, width))
            {
                // F[j, i] = L[n−1−i, n−1−j] for i ≤ j.
                float[] factor = storage ?? new float[(long)width * width];
                for (int j = 0; j < width; j++)
                {
                    Span<float> row = factor.AsSpan(j * width, j + 1);
                    int column = width - 1 - j;
                    for (int i = 0; i <= j; i++)
                    {
                        row[i] = (float)reversed[((long)(width - 1 - i) * width) + column];
                    }
                }

                return new ErrorFeedback(width, factor);
            }
        }

        throw new EdgeLlmException($"the calibration activations of a {width}-wide input give no positive definite Hessian, even damped");
    }

    /// <summary>
    /// dots[r] = F[column, 0 .. prefix) · errors of row r over the same columns, for <paramref name="rowCount"/> rows of
    /// <paramref name="stride"/> errors each: the earlier blocks' part of each row's correction, F's row read once.
    /// </summary>
    public void PrefixDots(int column, int prefix, ReadOnlySpan<float> errors, int stride, int rowCount, Span<float> dots)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefix, column);
        ArgumentOutOfRangeException.ThrowIfLessThan(errors.Length, ((rowCount - 1) * stride) + prefix);
        ReadOnlySpan<float> weights = factor.AsSpan(column * Width, prefix);
        int row = 0;
        for (; row + EightRows <= rowCount; row += EightRows)
        {
            DotsOfEightRows(weights, errors[(row * stride)..], stride, dots.Slice(row, EightRows));
        }

        for (; row < rowCount; row++)
        {
            dots[row] = Dot(weights, errors.Slice(row * stride, prefix));
        }
    }

    private const int EightRows = 8;

    /// <summary>Eight rows' dot products with one factor row: each vector of F loaded once for eight independent sums.</summary>
    private static void DotsOfEightRows(ReadOnlySpan<float> weights, ReadOnlySpan<float> errors, int stride, Span<float> dots)
    {
        int length = weights.Length;
        int i = 0;
        if (Vector.IsHardwareAccelerated && length >= Vector<float>.Count)
        {
            ref float f = ref MemoryMarshal.GetReference(weights);
            ref float e = ref MemoryMarshal.GetReference(errors);
            nuint s = (nuint)stride;
            Vector<float> sum0 = Vector<float>.Zero, sum1 = Vector<float>.Zero, sum2 = Vector<float>.Zero, sum3 = Vector<float>.Zero;
            Vector<float> sum4 = Vector<float>.Zero, sum5 = Vector<float>.Zero, sum6 = Vector<float>.Zero, sum7 = Vector<float>.Zero;
            for (; i <= length - Vector<float>.Count; i += Vector<float>.Count)
            {
                nuint at = (nuint)i;
                Vector<float> w = Vector.LoadUnsafe(ref f, at);
                sum0 = Vector.MultiplyAddEstimate(w, Vector.LoadUnsafe(ref e, at), sum0);
                sum1 = Vector.MultiplyAddEstimate(w, Vector.LoadUnsafe(ref e, at + s), sum1);
                sum2 = Vector.MultiplyAddEstimate(w, Vector.LoadUnsafe(ref e, at + (2 * s)), sum2);
                sum3 = Vector.MultiplyAddEstimate(w, Vector.LoadUnsafe(ref e, at + (3 * s)), sum3);
                sum4 = Vector.MultiplyAddEstimate(w, Vector.LoadUnsafe(ref e, at + (4 * s)), sum4);
                sum5 = Vector.MultiplyAddEstimate(w, Vector.LoadUnsafe(ref e, at + (5 * s)), sum5);
                sum6 = Vector.MultiplyAddEstimate(w, Vector.LoadUnsafe(ref e, at + (6 * s)), sum6);
                sum7 = Vector.MultiplyAddEstimate(w, Vector.LoadUnsafe(ref e, at + (7 * s)), sum7);
            }

            dots[0] = Vector.Sum(sum0);
            dots[1] = Vector.Sum(sum1);
            dots[2] = Vector.Sum(sum2);
            dots[3] = Vector.Sum(sum3);
            dots[4] = Vector.Sum(sum4);
            dots[5] = Vector.Sum(sum5);
            dots[6] = Vector.Sum(sum6);
            dots[7] = Vector.Sum(sum7);
        }
        else
        {
            dots[..EightRows].Clear();
        }

        for (; i < length; i++)
        {
            for (int row = 0; row < EightRows; row++)
            {
                dots[row] += weights[i] * errors[(row * stride) + i];
            }
        }
    }

    private static float Dot(ReadOnlySpan<float> weights, ReadOnlySpan<float> errors)
    {
        int i = 0;
        float sum = 0;
        if (Vector.IsHardwareAccelerated && weights.Length >= Vector<float>.Count)
        {
            Vector<float> sum0 = Vector<float>.Zero, sum1 = Vector<float>.Zero;
            for (; i <= weights.Length - (2 * Vector<float>.Count); i += 2 * Vector<float>.Count)
            {
                sum0 = Vector.MultiplyAddEstimate(new Vector<float>(weights[i..]), new Vector<float>(errors[i..]), sum0);
                sum1 = Vector.MultiplyAddEstimate(new Vector<float>(weights[(i + Vector<float>.Count)..]), new Vector<float>(errors[(i + Vector<float>.Count)..]), sum1);
            }

            for (; i <= weights.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                sum0 = Vector.MultiplyAddEstimate(new Vector<float>(weights[i..]), new Vector<float>(errors[i..]), sum0);
            }

            sum = Vector.Sum(sum0 + sum1);
        }

        for (; i < weights.Length; i++)
        {
            sum += weights[i] * errors[i];
        }

        return sum;
    }
}

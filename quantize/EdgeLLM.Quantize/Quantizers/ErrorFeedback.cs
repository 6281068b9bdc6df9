using System.Numerics;
using EdgeLLM.Format;

namespace EdgeLLM.Quantize.Quantizers;

/// <summary>
/// GPTQ's error feedback for one Linear layer's inputs, in the form that needs no inverse. With H' = H + λ·I
/// (H = E[x·xᵀ] over a calibration run, <see cref="ActivationCovariance"/>; λ = <see cref="Damping"/> × the mean of H's
/// diagonal) written as H' = Fᵀ·F with F lower triangular (F = J·Lᵀ·J, L the Cholesky factor of J·H'·J, J the reversal),
/// GPTQ's weight for column j at its turn is
/// <c>w_j + (Σ_{i&lt;j} F[j, i]·δ_i) / F[j, j]</c>, δ_i = w_i − dequantized_i the final error of every earlier column. That is
/// exactly the value the textbook algorithm reaches by pushing each error forward through the upper Cholesky factor of
/// H'⁻¹ (the two are one triangular solve apart), but it reads one row of F per column, as a dot product, and never
/// forms H'⁻¹. Rows are independent, so any number of rows may use one factor at once. Computed in doubles, kept as floats:
/// Width² floats.
/// </summary>
public sealed class ErrorFeedback
{
    /// <summary>λ as a fraction of the mean diagonal (GPTQ's percdamp 0.01); raised ×10 while H + λ·I will not factor.</summary>
    public const double Damping = 0.01;

    private readonly float[] factor;

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

        for (double damping = Damping; damping <= 100; damping *= 10)
        {
            // J·(H + λI)·J, lower triangle: row i, column j ≤ i of it is H[n−1−i, n−1−j].
            for (int i = 0; i < width; i++)
            {
                Span<double> destination = reversed.AsSpan(i * width, i + 1);
                int row = width - 1 - i;
                for (int j = 0; j <= i; j++)
                {
                    destination[j] = covariance.MeanAt(row, width - 1 - j);
                }

                destination[i] += damping * meanDiagonal;
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
        ReadOnlySpan<float> weights = factor.AsSpan(column * Width, prefix);
        for (int row = 0; row < rowCount; row++)
        {
            ReadOnlySpan<float> rowErrors = errors.Slice(row * stride, prefix);
            int i = 0;
            float sum = 0;
            if (Vector.IsHardwareAccelerated && prefix >= Vector<float>.Count)
            {
                var vector = Vector<float>.Zero;
                for (; i <= prefix - Vector<float>.Count; i += Vector<float>.Count)
                {
                    vector += new Vector<float>(weights[i..]) * new Vector<float>(rowErrors[i..]);
                }

                sum = Vector.Sum(vector);
            }

            for (; i < prefix; i++)
            {
                sum += weights[i] * rowErrors[i];
            }

            dots[row] = sum;
        }
    }
}

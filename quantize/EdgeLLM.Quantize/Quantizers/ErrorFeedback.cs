using System.Numerics;
using EdgeLLM.Format;

namespace EdgeLLM.Quantize.Quantizers;

/// <summary>
/// GPTQ's error feedback for one Linear layer's inputs: U, the upper Cholesky factor of (H + λ·I)⁻¹ with H = E[x·xᵀ]
/// over a calibration run (<see cref="ActivationCovariance"/>) and λ = <see cref="Damping"/> × the mean of H's
/// diagonal. Quantizing a row left to right, the error e of column j, divided by U[j, j], is taken off the columns
/// after it in proportion to U[j, t] (<see cref="Spread"/>): the rounding error of the earlier columns is compensated by
/// the later ones where the inputs are correlated, which lowers ‖X·(w − q)‖² rather than ‖w − q‖². Rows are
/// independent, so any number of rows may use one factor at once. Computed in doubles (U = J·L⁻¹·J, L the Cholesky
/// factor of J·H·J, J the reversal), kept as floats: Width² floats.
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

    /// <summary>U[j, j]: the error of column j is divided by it before it spreads.</summary>
    public float Diagonal(int column) => factor[(column * Width) + column];

    /// <summary>U[row, column] (0 below the diagonal).</summary>
    public float this[int row, int column] => factor[(row * Width) + column];

    /// <summary>The factor of <paramref name="covariance"/>'s mean E[x·xᵀ].</summary>
    public static ErrorFeedback From(ActivationCovariance covariance)
    {
        ArgumentNullException.ThrowIfNull(covariance);
        return From(covariance.Mean(), covariance.Width);
    }

    /// <summary>The factor of a symmetric positive semi-definite <paramref name="width"/>² matrix (row-major).</summary>
    public static ErrorFeedback From(ReadOnlySpan<double> hessian, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (hessian.Length != (long)width * width)
        {
            throw new ArgumentException($"{hessian.Length} values are not a {width} × {width} matrix", nameof(hessian));
        }

        double meanDiagonal = 0;
        for (int i = 0; i < width; i++)
        {
            meanDiagonal += hessian[(i * width) + i];
        }

        meanDiagonal /= width;
        if (!(meanDiagonal > 0) || !double.IsFinite(meanDiagonal))
        {
            throw new EdgeLlmException($"the calibration activations of a {width}-wide input carry nothing (mean square {meanDiagonal})");
        }

        var reversed = new double[hessian.Length];
        for (double damping = Damping; damping <= 100; damping *= 10)
        {
            // J·(H + λI)·J: row i, column j of it is H[n−1−i, n−1−j].
            for (int i = 0; i < width; i++)
            {
                ReadOnlySpan<double> source = hessian.Slice((width - 1 - i) * width, width);
                Span<double> destination = reversed.AsSpan(i * width, width);
                for (int j = 0; j <= i; j++)
                {
                    destination[j] = source[width - 1 - j];
                }

                destination[i] += damping * meanDiagonal;
            }

            if (CholeskyFactorization.LowerInPlace(reversed, width))
            {
                CholeskyFactorization.InvertLowerInPlace(reversed, width);
                var factor = new float[hessian.Length];
                for (int i = 0; i < width; i++)
                {
                    for (int j = i; j < width; j++)
                    {
                        factor[(i * width) + j] = (float)reversed[((width - 1 - i) * width) + (width - 1 - j)];
                    }
                }

                return new ErrorFeedback(width, factor);
            }
        }

        throw new EdgeLlmException($"the calibration activations of a {width}-wide input give no positive definite Hessian, even damped");
    }

    /// <summary>
    /// Takes the errors of column <paramref name="column"/> (weight − dequantized, one per row) off the columns after it
    /// in <paramref name="rowCount"/> rows of <paramref name="stride"/> values: row[t] −= error / U[j, j] × U[j, t] for every t &gt; j.
    /// </summary>
    public void Spread(Span<float> rows, int stride, int rowCount, int column, ReadOnlySpan<float> errors)
    {
        int start = column + 1;
        int end = Math.Min(stride, Width);
        if (start >= end)
        {
            return;
        }

        ReadOnlySpan<float> weights = factor.AsSpan((column * Width) + start, end - start);
        float diagonal = Diagonal(column);
        for (int row = 0; row < rowCount; row++)
        {
            float scaled = errors[row] / diagonal;
            if (scaled == 0f)
            {
                continue;
            }

            Span<float> target = rows.Slice((row * stride) + start, end - start);
            int i = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var factorVector = new Vector<float>(scaled);
                for (; i <= target.Length - Vector<float>.Count; i += Vector<float>.Count)
                {
                    (new Vector<float>(target[i..]) - (new Vector<float>(weights[i..]) * factorVector)).CopyTo(target[i..]);
                }
            }

            for (; i < target.Length; i++)
            {
                target[i] -= weights[i] * scaled;
            }
        }
    }
}

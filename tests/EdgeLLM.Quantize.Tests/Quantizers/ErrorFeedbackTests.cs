using EdgeLLM.Format;
using EdgeLLM.Quantize.Quantizers;

namespace EdgeLLM.Quantize.Tests.Quantizers;

/// <summary>
/// GPTQ's error feedback: the activations' E[x·xᵀ] (<see cref="ActivationCovariance"/>), the factor U of its damped
/// inverse (<see cref="ErrorFeedback"/>), and the quantizer that spreads each rounding error over the later columns:
/// on correlated inputs it lowers the layer's output error ‖X·(W − Q)ᵀ‖² well below the weighted search alone; on
/// uncorrelated inputs it is exactly that search.
/// </summary>
public sealed class ErrorFeedbackTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(37)]
    [InlineData(70)]
    public void CovarianceIsTheMeanOuterProductAndItsDiagonalTheSquares(int width)
    {
        var random = new Random(width);
        float[] rows = Values(random, 11 * width);
        int rowCount = rows.Length / width;
        var covariance = new ActivationCovariance(width);
        covariance.Add(rows.AsSpan(0, 3 * width));
        covariance.Add(rows.AsSpan(3 * width));
        var squares = new ActivationSquares(width);
        squares.Add(rows);

        Assert.Equal(rowCount, covariance.RowCount);
        double[] mean = covariance.Mean();
        for (int i = 0; i < width; i++)
        {
            for (int j = 0; j < width; j++)
            {
                double expected = 0;
                for (int r = 0; r < rowCount; r++)
                {
                    expected += (double)rows[(r * width) + i] * rows[(r * width) + j];
                }

                // Summed in floats: within a few float roundings of the double sum.
                Assert.True(Math.Abs((expected / rowCount) - mean[(i * width) + j]) < 1e-6, $"E[x{i}·x{j}] {mean[(i * width) + j]} against {expected / rowCount}");
            }
        }

        float[] squareMeans = squares.Means();
        float[] covarianceMeans = covariance.Means();
        for (int i = 0; i < width; i++)
        {
            Assert.Equal(squareMeans[i], covarianceMeans[i], 1e-6 * squareMeans[i]);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(33)]
    [InlineData(96)]
    public void FactorIsTheUpperCholeskyFactorOfTheDampedInverse(int width)
    {
        // A rank-deficient, strongly correlated covariance: the damping is what makes it invertible.
        ActivationCovariance covariance = Correlated(new Random(width), width, rowCount: Math.Max(2, width / 2), latent: Math.Max(1, width / 4));
        double[] hessian = covariance.Mean();
        ErrorFeedback feedback = ErrorFeedback.From(covariance);

        double meanDiagonal = Enumerable.Range(0, width).Average(i => hessian[(i * width) + i]);
        for (int i = 0; i < width; i++)
        {
            hessian[(i * width) + i] += ErrorFeedback.Damping * meanDiagonal;
        }

        // (H + λI)·UᵀU = I, and U is upper triangular with a positive diagonal.
        for (int i = 0; i < width; i++)
        {
            Assert.True(feedback.Diagonal(i) > 0);
            for (int j = 0; j < i; j++)
            {
                Assert.Equal(0f, feedback[i, j]);
            }
        }

        double worst = 0;
        for (int i = 0; i < width; i++)
        {
            for (int j = 0; j < width; j++)
            {
                double sum = 0;
                for (int k = 0; k < width; k++)
                {
                    double inverse = 0;
                    for (int m = 0; m <= Math.Min(k, j); m++)
                    {
                        inverse += (double)feedback[m, k] * feedback[m, j];
                    }

                    sum += hessian[(i * width) + k] * inverse;
                }

                worst = Math.Max(worst, Math.Abs(sum - (i == j ? 1 : 0)));
            }
        }

        Assert.True(worst < 2e-3, $"(H + λI)·UᵀU differs from I by {worst}");
    }

    [Fact]
    public void ActivationsThatCarryNothingAreOneLine()
    {
        var covariance = new ActivationCovariance(4);
        covariance.Add(new float[8]);
        var problem = Assert.Throws<EdgeLlmException>(() => ErrorFeedback.From(covariance));
        Assert.Contains("carry nothing", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(4, 32, false, 96)]
    [InlineData(4, 32, true, 100)]
    [InlineData(4, 16, false, 50)]
    [InlineData(4, 64, false, 128)]
    [InlineData(8, 32, false, 96)]
    public void OnCorrelatedInputsItLowersTheOutputErrorWellBelowTheWeightedSearch(int bits, int blockSize, bool asymmetric, int width)
    {
        var random = new Random((bits * 1000) + width);
        const int rowCount = 24;
        ActivationCovariance covariance = Correlated(random, width, rowCount: 4 * width, latent: Math.Max(2, width / 6));
        float[] weights = Values(random, rowCount * width);
        var options = new BlockQuantizationOptions(bits, blockSize, asymmetric, ScaleChoice.Search);
        float[] importance = covariance.Means();

        double plain = OutputError(covariance, weights, Dequantized(BlockQuantizer.Create(options, width, importance), options, weights, width), width);
        double gptq = OutputError(covariance, weights, Dequantized(BlockQuantizer.Create(options, width, importance, ErrorFeedback.From(covariance)), options, weights, width), width);
        Assert.True(gptq < 0.7 * plain, $"GPTQ output error {gptq:E3} against the weighted search's {plain:E3}");
    }

    [Theory]
    [InlineData(4, false)]
    [InlineData(4, true)]
    [InlineData(8, false)]
    public void OnUncorrelatedInputsItIsTheWeightedSearchExactly(int bits, bool asymmetric)
    {
        // Orthogonal rows of equal length: E[x·xᵀ] = I/width, so U is diagonal and no error spreads.
        const int width = 80;
        var covariance = new ActivationCovariance(width);
        var rows = new float[width * width];
        for (int i = 0; i < width; i++)
        {
            rows[(i * width) + i] = 1.5f;
        }

        covariance.Add(rows);
        float[] weights = Values(new Random(bits), 10 * width);
        var options = new BlockQuantizationOptions(bits, 32, asymmetric, ScaleChoice.Search);
        (byte[] packed, float[] scales, byte[] zeroPoints) plain = Quantized(BlockQuantizer.Create(options, width, covariance.Means()), options, weights, width);
        (byte[] packed, float[] scales, byte[] zeroPoints) gptq = Quantized(BlockQuantizer.Create(options, width, covariance.Means(), ErrorFeedback.From(covariance)), options, weights, width);
        Assert.Equal(plain.packed, gptq.packed);
        Assert.Equal(plain.scales, gptq.scales);
        Assert.Equal(plain.zeroPoints, gptq.zeroPoints);
    }

    [Fact]
    public void FeedbackOfAnotherWidthIsRefused()
    {
        var covariance = new ActivationCovariance(8);
        covariance.Add(Values(new Random(1), 32));
        Assert.Throws<ArgumentException>(() => BlockQuantizer.Create(BlockQuantizationOptions.Default, 16, null, ErrorFeedback.From(covariance)));
    }

    /// <summary>Rows x = z·M + small noise: <paramref name="latent"/> directions carry almost everything.</summary>
    private static ActivationCovariance Correlated(Random random, int width, int rowCount, int latent)
    {
        float[] mixing = Values(random, latent * width);
        var rows = new float[rowCount * width];
        for (int r = 0; r < rowCount; r++)
        {
            float[] z = Values(random, latent);
            for (int j = 0; j < width; j++)
            {
                float sum = 0.05f * (float)((random.NextDouble() * 2) - 1);
                for (int l = 0; l < latent; l++)
                {
                    sum += z[l] * mixing[(l * width) + j];
                }

                rows[(r * width) + j] = sum;
            }
        }

        var covariance = new ActivationCovariance(width);
        covariance.Add(rows);
        return covariance;
    }

    private static float[] Values(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return values;
    }

    private static (byte[] Packed, float[] Scales, byte[] ZeroPoints) Quantized(BlockQuantizer quantizer, BlockQuantizationOptions options, float[] weights, int width)
    {
        int rowCount = weights.Length / width;
        var packed = new byte[rowCount * quantizer.Layout.PackedRowBytes];
        var scales = new float[rowCount * quantizer.Layout.BlockCount];
        var zeroPoints = new byte[options.Asymmetric ? rowCount * quantizer.Layout.ZeroPointRowBytes : 0];
        quantizer.QuantizeRows(weights, packed, scales, zeroPoints, new QuantizationError());
        return (packed, scales, zeroPoints);
    }

    private static float[] Dequantized(BlockQuantizer quantizer, BlockQuantizationOptions options, float[] weights, int width)
    {
        (byte[] packed, float[] scales, byte[] zeroPoints) = Quantized(quantizer, options, weights, width);
        return ReferenceDequantizer.Dequantize(packed, scales, options.Asymmetric ? zeroPoints : null, weights.Length / width, width, options.BlockSize, options.Bits);
    }

    /// <summary>Σ over rows of (w − q)ᵀ·E[x·xᵀ]·(w − q): the mean squared error of the layer's outputs.</summary>
    private static double OutputError(ActivationCovariance covariance, float[] weights, float[] dequantized, int width)
    {
        double[] hessian = covariance.Mean();
        double total = 0;
        for (int row = 0; row < weights.Length / width; row++)
        {
            for (int i = 0; i < width; i++)
            {
                double di = weights[(row * width) + i] - dequantized[(row * width) + i];
                for (int j = 0; j < width; j++)
                {
                    total += di * hessian[(i * width) + j] * (weights[(row * width) + j] - dequantized[(row * width) + j]);
                }
            }
        }

        return total;
    }
}

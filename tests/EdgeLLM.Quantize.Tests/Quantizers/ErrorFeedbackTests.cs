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
    [InlineData(600)]
    public void CovarianceIsTheMeanOuterProductAndItsDiagonalTheSquares(int width)
    {
        // 600 wide: the triangle's rows split over the cores.
        var random = new Random(width);
        float[] rows = Values(random, (width > 100 ? 3 : 11) * width);
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
    [InlineData(150)]
    public void FactorIsTheLowerTriangleWhoseGramIsTheShrunkDampedHessian(int width)
    {
        // A rank-deficient, strongly correlated covariance: the damping is what makes it positive definite.
        ActivationCovariance covariance = Correlated(new Random(width), width, rowCount: Math.Max(2, width / 2), latent: Math.Max(1, width / 4));
        double[] hessian = Shrunk(covariance);
        ErrorFeedback feedback = ErrorFeedback.From(covariance);

        double meanDiagonal = Enumerable.Range(0, width).Average(i => hessian[(i * width) + i]);
        for (int i = 0; i < width; i++)
        {
            hessian[(i * width) + i] += ErrorFeedback.Damping * meanDiagonal;
        }

        // F is lower triangular with a positive diagonal, and Fᵀ·F = S + λI (S: H with its off-diagonal part shrunk).
        for (int i = 0; i < width; i++)
        {
            Assert.True(feedback.Diagonal(i) > 0);
            for (int j = i + 1; j < width; j++)
            {
                Assert.Equal(0f, feedback[i, j]);
            }
        }

        double worst = 0;
        for (int a = 0; a < width; a++)
        {
            for (int b = 0; b < width; b++)
            {
                double sum = 0;
                for (int k = Math.Max(a, b); k < width; k++)
                {
                    sum += (double)feedback[k, a] * feedback[k, b];
                }

                worst = Math.Max(worst, Math.Abs(sum - hessian[(a * width) + b]) / meanDiagonal);
            }
        }

        Assert.True(worst < 1e-5, $"Fᵀ·F differs from S + λI by {worst} of the mean diagonal");
    }

    [Theory]
    [InlineData(4, 32, false, 96)]
    [InlineData(4, 16, true, 70)]
    [InlineData(8, 32, false, 64)]
    public void ItRoundsAsTheTextbookAlgorithmThatPushesErrorsThroughTheInverse(int bits, int blockSize, bool asymmetric, int width)
    {
        // The textbook GPTQ (Frantar et al.), in doubles: U = upper Cholesky factor of (H + λI)⁻¹; each column's error,
        // divided by U[j, j], is pushed onto the later columns by U[j, t]; each block's parameters are chosen on the
        // weights as they stand when the block starts.
        var random = new Random(width + bits);
        ActivationCovariance covariance = Correlated(random, width, rowCount: 3 * width, latent: Math.Max(2, width / 5));
        float[] weights = Values(random, 12 * width);
        var options = new BlockQuantizationOptions(bits, blockSize, asymmetric, ScaleChoice.Search);
        float[] importance = covariance.Means();
        (byte[] packed, float[] scales, byte[] zeroPoints) ours = Quantized(BlockQuantizer.Create(options, width, importance, ErrorFeedback.From(covariance)), options, weights, width);

        // Follow our decisions through the textbook algorithm (so one flipped rounding cannot cascade): at every column
        // the textbook weight must round to our code, and at every block start the plain search on the textbook
        // weights must give our scale.
        double[,] upper = TextbookFactor(Shrunk(covariance), width);
        var quantizer = BlockQuantizer.Create(options, width, importance);
        int rowCount = weights.Length / width;
        int blockCount = (width + blockSize - 1) / blockSize;
        int differentCodes = 0;
        int differentScales = 0;
        float[] dequantized = ReferenceDequantizer.Dequantize(ours.packed, ours.scales, asymmetric ? ours.zeroPoints : null, rowCount, width, blockSize, bits);
        for (int row = 0; row < rowCount; row++)
        {
            double[] current = [.. weights.AsSpan(row * width, width).ToArray().Select(value => (double)value)];
            for (int block = 0; block < blockCount; block++)
            {
                int start = block * blockSize;
                int length = Math.Min(blockSize, width - start);
                var blockRow = new float[width];
                for (int i = 0; i < length; i++)
                {
                    blockRow[start + i] = (float)current[start + i];
                }

                (_, float[] blockScales, _) = Quantized(quantizer, options, blockRow, width);
                float scale = ours.scales[(row * blockCount) + block];
                if (Math.Abs(blockScales[block] - scale) > 1e-3 * Math.Abs(scale))
                {
                    differentScales++;
                }

                int zeroPoint = asymmetric ? ReferenceDequantizer.Code(ours.zeroPoints, ((long)row * quantizer.Layout.ZeroPointRowBytes * 8) + (block * bits), bits) : 1 << (bits - 1);
                for (int i = 0; i < length; i++)
                {
                    int column = start + i;
                    // Codes round with the search candidate's reciprocal, within a few per cent of 1/scale (the refit one).
                    double position = Math.Clamp((current[column] / scale) + zeroPoint, 0, (1 << bits) - 1);
                    int code = ReferenceDequantizer.WeightCode(ours.packed, row, column, width, blockSize, bits);
                    if (Math.Abs(position - code) > 0.5 + (0.05 * Math.Abs(position - zeroPoint)) + 1e-3)
                    {
                        differentCodes++;
                    }

                    double errorOverDiagonal = (current[column] - dequantized[(row * width) + column]) / upper[column, column];
                    for (int t = column + 1; t < width; t++)
                    {
                        current[t] -= errorOverDiagonal * upper[column, t];
                    }
                }
            }
        }

        Assert.True(differentCodes == 0, $"{differentCodes} of {weights.Length} codes are not the rounding of the textbook algorithm's weight ({differentScales} of {rowCount * blockCount} scales differ)");
        Assert.True(differentScales <= 1, $"{differentScales} of {rowCount * blockCount} scales are not the search's on the textbook algorithm's weights");
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
    [InlineData(4, 32, 96)]
    [InlineData(4, 16, 128)]
    [InlineData(8, 32, 64)]
    public void FromFewerCalibrationRowsThanInputsItDoesNotRaiseTheErrorOnOtherInputs(int bits, int blockSize, int width)
    {
        // Correlated inputs whose variance fills every direction, seen through half as many calibration rows as the input
        // is wide: that sample covariance is singular. Judged on 40 times as many other rows of the same inputs, GPTQ from
        // the shrunk covariance must not do worse than the weighted search by more than 10 % (0.88–1.01× here; plain GPTQ
        // on the sample covariance does, 1.37–1.66×: it puts the error where the calibration rows were blind).
        var random = new Random((bits * 7) + width);
        float[] mixing = Values(random, width * width);
        ActivationCovariance calibration = Spread(random, mixing, width, rowCount: width / 2);
        ActivationCovariance other = Spread(random, mixing, width, rowCount: 40 * width);
        const int rowCount = 16;
        float[] weights = Values(random, rowCount * width);
        var options = new BlockQuantizationOptions(bits, blockSize, Asymmetric: false, ScaleChoice.Search);
        float[] importance = calibration.Means();

        double weighted = OutputError(other, weights, Dequantized(BlockQuantizer.Create(options, width, importance), options, weights, width), width);
        double gptq = OutputError(other, weights, Dequantized(BlockQuantizer.Create(options, width, importance, ErrorFeedback.From(calibration)), options, weights, width), width);
        Assert.True(gptq <= 1.1 * weighted, $"GPTQ from {width / 2} rows of {width}-wide inputs: output error {gptq:E3} on other rows against the weighted search's {weighted:E3}");
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

    /// <summary>The upper Cholesky factor U of (H + λI)⁻¹, in doubles, by the definition: inverse, then factor.</summary>
    private static double[,] TextbookFactor(double[] hessian, int width)
    {
        double meanDiagonal = Enumerable.Range(0, width).Average(i => hessian[(i * width) + i]);
        var a = new double[width, 2 * width];
        for (int i = 0; i < width; i++)
        {
            for (int j = 0; j < width; j++)
            {
                a[i, j] = hessian[(i * width) + j] + (i == j ? ErrorFeedback.Damping * meanDiagonal : 0);
            }

            a[i, width + i] = 1;
        }

        // Gauss–Jordan: the right half becomes (H + λI)⁻¹ (symmetric positive definite: no pivoting needed).
        for (int p = 0; p < width; p++)
        {
            double pivot = a[p, p];
            for (int j = 0; j < 2 * width; j++)
            {
                a[p, j] /= pivot;
            }

            for (int i = 0; i < width; i++)
            {
                if (i != p && a[i, p] != 0)
                {
                    double factor = a[i, p];
                    for (int j = 0; j < 2 * width; j++)
                    {
                        a[i, j] -= factor * a[p, j];
                    }
                }
            }
        }

        // Upper Cholesky: inverse = Uᵀ·U.
        var upper = new double[width, width];
        for (int i = 0; i < width; i++)
        {
            for (int j = i; j < width; j++)
            {
                double sum = a[i, width + j];
                for (int k = 0; k < i; k++)
                {
                    sum -= upper[k, i] * upper[k, j];
                }

                upper[i, j] = i == j ? Math.Sqrt(sum) : sum / upper[i, i];
            }
        }

        return upper;
    }

    /// <summary>H with its off-diagonal part shrunk by <see cref="ErrorFeedback.Shrinkage"/> for its rows, as the factor takes it.</summary>
    private static double[] Shrunk(ActivationCovariance covariance)
    {
        int width = covariance.Width;
        double keep = 1 - ErrorFeedback.Shrinkage(width, covariance.RowCount);
        double[] hessian = covariance.Mean();
        for (int i = 0; i < width; i++)
        {
            for (int j = 0; j < width; j++)
            {
                hessian[(i * width) + j] *= i == j ? 1 : keep;
            }
        }

        return hessian;
    }

    /// <summary>Rows x = z·M, z uniform in [−1, 1]^width and M dense: correlated inputs whose variance fills every direction.</summary>
    private static ActivationCovariance Spread(Random random, float[] mixing, int width, int rowCount)
        => Mixed(random, mixing, latent: width, width, rowCount, noise: 0f);

    /// <summary>Rows x = z·M + small noise: <paramref name="latent"/> directions carry almost everything.</summary>
    private static ActivationCovariance Correlated(Random random, int width, int rowCount, int latent)
        => Mixed(random, Values(random, latent * width), latent, width, rowCount, noise: 0.05f);

    /// <summary>Rows x = z·M + noise·u, z uniform in [−1, 1]^latent, u uniform in [−1, 1]^width (drawn only when noise ≠ 0).</summary>
    private static ActivationCovariance Mixed(Random random, float[] mixing, int latent, int width, int rowCount, float noise)
    {
        var rows = new float[rowCount * width];
        for (int r = 0; r < rowCount; r++)
        {
            float[] z = Values(random, latent);
            for (int j = 0; j < width; j++)
            {
                float sum = noise == 0f ? 0f : noise * (float)((random.NextDouble() * 2) - 1);
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

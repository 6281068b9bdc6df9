using EdgeLLM.Format;
using EdgeLLM.Quantize.Quantizers;

namespace EdgeLLM.Quantize.Tests.Quantizers;

/// <summary>
/// The importance table from a known activation set (E[x²] per channel, floored), and the weighted scale search: on a
/// known matrix with a strongly uneven importance it leaves a lower importance-weighted error than the unweighted
/// search, block by block never a higher one, and with uniform importance it picks exactly the unweighted parameters.
/// </summary>
public sealed class ChannelImportanceTests
{
    [Fact]
    public void MeansAreTheMeanSquaredActivationPerChannel()
    {
        var squares = new ActivationSquares(3);
        squares.Add([1f, -2f, 0.5f, 3f, 0f, -0.5f]);
        squares.Add([-1f, 2f, 2f]);

        Assert.Equal(3, squares.RowCount);
        float[] means = squares.Means();
        Assert.Equal((1f + 9f + 1f) / 3f, means[0], 6);
        Assert.Equal((4f + 0f + 4f) / 3f, means[1], 6);
        Assert.Equal((0.25f + 0.25f + 4f) / 3f, means[2], 6);
    }

    [Fact]
    public void FeedbackIsFactoredOncePerSharedInputAndReusedStorageStillGivesEachInputItsOwnFactor()
    {
        var random = new Random(3);
        ActivationCovariance Covariance()
        {
            var covariance = new ActivationCovariance(24);
            var rows = new float[24 * 40];
            for (int i = 0; i < rows.Length; i++)
            {
                rows[i] = (float)(random.NextDouble() - 0.5);
            }

            covariance.Add(rows);
            return covariance;
        }

        ActivationCovariance attention = Covariance();
        ActivationCovariance mlp = Covariance();
        var table = new ChannelImportance(
            new Dictionary<string, float[]> { ["q"] = attention.Means(), ["k"] = attention.Means(), ["gate"] = mlp.Means() },
            new Dictionary<string, ActivationCovariance> { ["q"] = attention, ["k"] = attention, ["gate"] = mlp },
            tokenCount: 40,
            source: "test");

        ErrorFeedback q = table.FeedbackFor("q")!;
        Assert.Same(q, table.FeedbackFor("k"));
        AssertFactor(ErrorFeedback.From(attention), q);
        AssertFactor(ErrorFeedback.From(mlp), table.FeedbackFor("gate")!);
        AssertFactor(ErrorFeedback.From(attention), table.FeedbackFor("q")!);
        Assert.Null(table.FeedbackFor("down"));
        Assert.Equal(3, table.FeedbackNames.Count);

        // Counted are the weights that asked and got one, each once: q, k and gate, not the unnamed down.
        Assert.Equal(3, table.FeedbackCount);

        static void AssertFactor(ErrorFeedback expected, ErrorFeedback actual)
        {
            for (int i = 0; i < expected.Width; i++)
            {
                for (int j = 0; j <= i; j++)
                {
                    Assert.Equal(expected[i, j], actual[i, j]);
                }
            }
        }
    }

    [Fact]
    public void SilentChannelIsRaisedToTheFloor()
    {
        var squares = new ActivationSquares(4);
        squares.Add([2f, 0f, 2f, 2f]);
        float[] means = squares.Means();
        Assert.Equal(4f, means[0]);
        Assert.Equal((float)(ChannelImportance.Floor * 12.0 / 4.0), means[1], 9);
    }

    [Fact]
    public void PartialRowsAndEmptyRunsAreRefused()
    {
        var squares = new ActivationSquares(4);
        Assert.Throws<ArgumentException>(() => squares.Add([1f, 2f, 3f]));
        Assert.Throws<InvalidOperationException>(() => squares.Means());
        Assert.Throws<EdgeLlmException>(() => new ChannelImportance(new Dictionary<string, float[]> { ["w"] = [1f, 0f] }, 1, "t"));
    }

    [Fact]
    public void TableNamesItsWeights()
    {
        var table = new ChannelImportance(new Dictionary<string, float[]> { ["model.layers.0.mlp.down_proj"] = [1f, 2f] }, 10, "built-in");
        Assert.Equal(0, table.WeightedCount);
        Assert.Equal([1f, 2f], table.For("model.layers.0.mlp.down_proj")!);
        Assert.Null(table.For("model.layers.0.mlp.up_proj"));
        Assert.Equal(10, table.TokenCount);

        // The recorded count is of the weights that asked and got a row, each once (a table names more weights than one graph has).
        Assert.NotNull(table.For("model.layers.0.mlp.down_proj"));
        Assert.Equal(1, table.WeightedCount);
        Assert.Equal(0, table.FeedbackCount);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WeightedSearchLowersTheWeightedErrorOfAKnownMatrix(bool asymmetric)
    {
        const int columns = 256;
        const int rows = 64;
        float[] weights = TestWeights.Normal(rows * columns, seed: 19);
        float[] importance = UnevenImportance(columns);
        var options = new BlockQuantizationOptions(4, 32, asymmetric, ScaleChoice.Search);
        using var unweightedCodes = new MemoryStream();
        using var weightedCodes = new MemoryStream();
        var unweighted = BlockQuantizer.Quantize(new WeightRows("w", rows, columns, Reader(weights, columns)), options, unweightedCodes.Write);
        var weighted = BlockQuantizer.Quantize(new WeightRows("w", rows, columns, Reader(weights, columns)), options, weightedCodes.Write, importance);

        double unweightedError = 0, weightedError = 0;
        int blocksWorse = 0;
        for (int row = 0; row < rows; row++)
        {
            for (int block = 0; block < columns / 32; block++)
            {
                ReadOnlySpan<float> values = weights.AsSpan((row * columns) + (block * 32), 32);
                ReadOnlySpan<float> channelWeights = importance.AsSpan(block * 32, 32);
                double before = WeightedError(values, channelWeights, unweighted, unweightedCodes.GetBuffer(), row, block, asymmetric);
                double after = WeightedError(values, channelWeights, weighted, weightedCodes.GetBuffer(), row, block, asymmetric);
                unweightedError += before;
                weightedError += after;
                blocksWorse += after > before * (1 + 1e-5) ? 1 : 0;
            }
        }

        // The weighted search optimises exactly this error: about a fifth lower on this matrix.
        Assert.True(weightedError < 0.9 * unweightedError, $"weighted error {weightedError:G4} is not 10% below the unweighted search's {unweightedError:G4}");
        Assert.True(blocksWorse <= rows * columns / 32 / 10, $"{blocksWorse} blocks have a higher weighted error than unweighted");
    }

    [Fact]
    public void UniformImportanceChoosesTheUnweightedParameters()
    {
        const int columns = 128;
        float[] weights = TestWeights.Normal(8 * columns, seed: 7);
        float[] uniform = Enumerable.Repeat(0.25f, columns).ToArray();
        var options = new BlockQuantizationOptions(4, 32, true, ScaleChoice.Search);
        var plain = BlockQuantizer.Quantize(new WeightRows("w", 8, columns, Reader(weights, columns)), options, Stream.Null.Write);
        var weighted = BlockQuantizer.Quantize(new WeightRows("w", 8, columns, Reader(weights, columns)), options, Stream.Null.Write, uniform);
        Assert.Equal(plain.ZeroPoints, weighted.ZeroPoints);
        for (int i = 0; i < plain.Scales.Length; i++)
        {
            Assert.Equal(plain.Scales[i], weighted.Scales[i], 5);
        }
    }

    [Fact]
    public void ImportanceOfTheWrongWidthIsRefusedNamingTheTensor()
    {
        float[] weights = TestWeights.Normal(4 * 64, seed: 3);
        var error = Assert.Throws<EdgeLlmException>(() => BlockQuantizer.Quantize(new WeightRows("model.layers.0.mlp.up_proj", 4, 64, Reader(weights, 64)), BlockQuantizationOptions.Default, Stream.Null.Write, new float[32]));
        Assert.Contains("model.layers.0.mlp.up_proj", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Importance spread over four orders of magnitude, like real activations (a few hot channels).</summary>
    private static float[] UnevenImportance(int columns)
    {
        var random = new Random(5);
        return Enumerable.Range(0, columns).Select(_ => (float)Math.Pow(10, (random.NextDouble() * 4) - 2)).ToArray();
    }

    /// <summary>Σ a·(w − dequantized)² over one block, from the stored codes, scale and zero point as ONNX Runtime dequantizes them.</summary>
    private static double WeightedError(ReadOnlySpan<float> values, ReadOnlySpan<float> importance, QuantizedTensor tensor, byte[] packed, int row, int block, bool asymmetric)
    {
        int blocks = tensor.Layout.BlockCount;
        float scale = tensor.Scales[(row * blocks) + block];
        int zeroPoint = 8;
        if (asymmetric)
        {
            byte pair = tensor.ZeroPoints![(row * tensor.Layout.ZeroPointRowBytes) + (block / 2)];
            zeroPoint = (block & 1) == 0 ? pair & 0x0F : pair >> 4;
        }

        double sum = 0;
        for (int i = 0; i < values.Length; i++)
        {
            byte pair = packed[(row * tensor.Layout.PackedRowBytes) + (block * tensor.Layout.BlobSize) + (i / 2)];
            int code = (i & 1) == 0 ? pair & 0x0F : pair >> 4;
            double difference = ((code - zeroPoint) * (double)scale) - values[i];
            sum += importance[i] * difference * difference;
        }

        return sum;
    }

    private static WeightRows.Reader Reader(float[] weights, int columns)
        => (firstRow, rowCount, destination) => weights.AsSpan((int)firstRow * columns, rowCount * columns).CopyTo(destination);
}

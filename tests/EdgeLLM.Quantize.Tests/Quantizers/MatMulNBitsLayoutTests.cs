using EdgeLLM.Quantize.Onnx.Proto;
using EdgeLLM.Quantize.Quantizers;

namespace EdgeLLM.Quantize.Tests.Quantizers;

/// <summary>
/// Our packed B, scales and zero points, fed to ONNX Runtime's own com.microsoft MatMulNBits, must give
/// A · dequant(B)ᵀ where dequant is the independent <see cref="ReferenceDequantizer"/>: one case per
/// layout (4-bit and 8-bit, with and without zero points), K never a multiple of the block size,
/// accuracy_level 0 (fp32 compute) and 4 (int8 compute).
/// </summary>
public sealed class MatMulNBitsLayoutTests
{
    private const int RowCount = 24;
    private const int TokenCount = 3;

    [Theory]
    [InlineData(4, false, ScaleChoice.RoundToNearest, 80, 32, 0)]
    [InlineData(4, false, ScaleChoice.RoundToNearest, 80, 32, 4)]
    [InlineData(4, true, ScaleChoice.Search, 80, 32, 0)]
    [InlineData(4, true, ScaleChoice.Search, 80, 32, 4)]
    [InlineData(4, false, ScaleChoice.Search, 300, 128, 0)]
    [InlineData(4, false, ScaleChoice.Search, 300, 128, 4)]
    [InlineData(4, true, ScaleChoice.RoundToNearest, 40, 16, 4)]
    [InlineData(8, false, ScaleChoice.RoundToNearest, 200, 64, 0)]
    [InlineData(8, false, ScaleChoice.RoundToNearest, 200, 64, 4)]
    [InlineData(8, true, ScaleChoice.Search, 200, 64, 0)]
    [InlineData(8, true, ScaleChoice.Search, 200, 64, 4)]
    [InlineData(8, true, ScaleChoice.RoundToNearest, 40, 16, 4)]
    [InlineData(8, false, ScaleChoice.Search, 300, 256, 4)]
    public void OnnxRuntimeMatMulNBitsComputesWithOurPacking(
        int bits, bool asymmetric, ScaleChoice scaleChoice, int columnCount, int blockSize, int accuracyLevel)
    {
        Assert.NotEqual(0, columnCount % blockSize);
        float[] weights = TestWeights.Normal(RowCount * columnCount, seed: (bits * 1000) + columnCount);
        var matrix = QuantizedMatrix.Of(weights, RowCount, columnCount, new BlockQuantizationOptions(bits, blockSize, asymmetric, scaleChoice));
        QuantizationError error = matrix.Tensor.Error;
        float[] dequantized = matrix.Dequantized();
        double largestDifference = weights.Zip(dequantized, (w, d) => Math.Abs((double)w - d)).Max();
        Assert.Equal(largestDifference, error.MaxAbsoluteError, 6);
        Assert.InRange(error.RelativeRootMeanSquareError, 1e-4, bits == 4 ? 0.3 : 0.02);

        float[] activations = TestWeights.Normal(TokenCount * columnCount, seed: 7, outlierRate: 0);
        var model = new OnnxTestModel()
            .Input("A", TensorProto.Types.DataType.Float, TokenCount, columnCount)
            .Output("Y", TensorProto.Types.DataType.Float, TokenCount, RowCount);
        model.Node(
            "MatMulNBits",
            "com.microsoft",
            ["A", .. matrix.AddMatMulNBitsInputs(model)],
            "Y",
            OnnxTestModel.Int("K", columnCount),
            OnnxTestModel.Int("N", RowCount),
            OnnxTestModel.Int("bits", bits),
            OnnxTestModel.Int("block_size", blockSize),
            OnnxTestModel.Int("accuracy_level", accuracyLevel));
        float[] output = model.Run<float>("A", activations, [TokenCount, columnCount], "Y");

        for (int token = 0; token < TokenCount; token++)
        {
            ReadOnlySpan<float> row = activations.AsSpan(token * columnCount, columnCount);
            for (int feature = 0; feature < RowCount; feature++)
            {
                ReadOnlySpan<float> weightRow = dequantized.AsSpan(feature * columnCount, columnCount);
                double expected = 0;
                double magnitude = 0;
                for (int k = 0; k < columnCount; k++)
                {
                    expected += (double)row[k] * weightRow[k];
                    magnitude += Math.Abs((double)row[k] * weightRow[k]);
                }

                double tolerance = (1e-5 * magnitude) + 1e-6
                    + (accuracyLevel == 4 ? ActivationQuantizationBound(row, weightRow, blockSize) : 0);
                double actual = output[(token * RowCount) + feature];
                Assert.True(
                    Math.Abs(actual - expected) <= tolerance,
                    $"token {token} feature {feature}: ORT {actual}, A·dequant(B)ᵀ {expected}, tolerance {tolerance}");
            }
        }
    }

    /// <summary>
    /// accuracy_level 4 quantizes A to int8 per block of K (scale = max |a| / 127), so each product
    /// may move by half a step times |w|.
    /// </summary>
    private static double ActivationQuantizationBound(ReadOnlySpan<float> activations, ReadOnlySpan<float> weights, int blockSize)
    {
        double bound = 0;
        for (int start = 0; start < activations.Length; start += blockSize)
        {
            int length = Math.Min(blockSize, activations.Length - start);
            double largest = 0;
            double weightSum = 0;
            for (int k = start; k < start + length; k++)
            {
                largest = Math.Max(largest, Math.Abs(activations[k]));
                weightSum += Math.Abs(weights[k]);
            }

            bound += largest / 127 / 2 * weightSum * 1.01;
        }

        return bound;
    }
}

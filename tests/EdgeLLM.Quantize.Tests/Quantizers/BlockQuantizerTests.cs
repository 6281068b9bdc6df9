using EdgeLLM.Format;
using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Quantize.Quantizers;
using EdgeLLM.Quantize.Synthetic;
using EdgeLLM.Tests.Shared;

namespace EdgeLLM.Quantize.Tests.Quantizers;

/// <summary>Streaming a tensor chunk by chunk gives the bytes of one whole pass; bad input fails with a message naming it.</summary>
public sealed unsafe class BlockQuantizerTests
{
    [Theory]
    [InlineData(4, false, ScaleChoice.Search)]
    [InlineData(4, true, ScaleChoice.Search)]
    [InlineData(8, true, ScaleChoice.RoundToNearest)]
    public void StreamingInSmallChunksMatchesOnePass(int bits, bool asymmetric, ScaleChoice scaleChoice)
    {
        var config = ModelConfig.Load(TestPaths.Fixture("models", "tiny-llama31"));
        using var checkpoint = new SyntheticCheckpoint(config, TensorDType.F16);
        TensorView tensor = checkpoint.GetTensor(HuggingFaceLayout.Layer(1, "mlp.down_proj.weight"));
        var options = new BlockQuantizationOptions(bits, 64, asymmetric, scaleChoice);

        using var streamed = new MemoryStream();
        QuantizedTensor result = BlockQuantizer.Quantize(WeightRows.Of(tensor), options, streamed.Write, chunkWeightCount: (3 * (int)tensor.RowLength) + 5);

        var quantizer = BlockQuantizer.Create(options, (int)tensor.RowLength);
        var layout = quantizer.Layout with { RowCount = tensor.RowCount };
        var packed = new byte[layout.PackedByteCount];
        var scales = new float[layout.ScaleCount];
        var zeroPoints = asymmetric ? new byte[layout.ZeroPointByteCount] : [];
        var error = new QuantizationError();
        quantizer.QuantizeRows(tensor.ToFloatArray(), packed, scales, zeroPoints, error);

        Assert.Equal(layout, result.Layout);
        Assert.Equal(packed, streamed.ToArray());
        Assert.Equal(scales, result.Scales);
        Assert.Equal(asymmetric ? zeroPoints : null, result.ZeroPoints);
        Assert.Equal(error.WeightCount, result.Error.WeightCount);
        Assert.Equal(error.MaxAbsoluteError, result.Error.MaxAbsoluteError);
        Assert.Equal(error.RootMeanSquareError, result.Error.RootMeanSquareError, 12);
    }

    [Fact]
    public void NonFiniteWeightIsReportedByTensorRowAndColumn()
    {
        float[] weights = TestWeights.Normal(40 * 48, seed: 3);
        weights[(37 * 48) + 21] = float.NaN;
        fixed (float* data = weights)
        {
            var tensor = new TensorView("model.layers.3.mlp.up_proj.weight", TensorDType.F32, [40, 48], (byte*)data, weights.Length * 4);
            var thrown = Assert.Throws<EdgeLlmException>(() => BlockQuantizer.Quantize(WeightRows.Of(tensor), BlockQuantizationOptions.Default, Stream.Null.Write, chunkWeightCount: 10 * 48));
            Assert.Equal("tensor 'model.layers.3.mlp.up_proj.weight': weight NaN at row 37, column 21 is not finite", thrown.Message);
        }
    }

    [Fact]
    public void OneDimensionalTensorIsRefused()
    {
        float[] weights = new float[64];
        fixed (float* data = weights)
        {
            var tensor = new TensorView("model.norm.weight", TensorDType.F32, [64], (byte*)data, 256);
            var thrown = Assert.Throws<EdgeLlmException>(() => BlockQuantizer.Quantize(WeightRows.Of(tensor), BlockQuantizationOptions.Default, Stream.Null.Write));
            Assert.Contains("'model.norm.weight'", thrown.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(3, 32)]
    [InlineData(2, 32)]
    [InlineData(4, 48)]
    [InlineData(4, 8)]
    [InlineData(8, 512)]
    public void UnsupportedBitsOrBlockSizeAreRefused(int bits, int blockSize)
        => Assert.Throws<EdgeLlmException>(() => BlockQuantizer.Create(new BlockQuantizationOptions(bits, blockSize, false, ScaleChoice.RoundToNearest), 64));

    [Fact]
    public void OutputSpansMustFitTheRows()
    {
        var quantizer = BlockQuantizer.Create(BlockQuantizationOptions.Default with { Asymmetric = true }, 80);
        var weights = new float[2 * 80];
        Assert.Throws<ArgumentException>(() => quantizer.QuantizeRows(weights.AsSpan(0, 100), new byte[96], new float[6], new byte[4], new QuantizationError()));
        Assert.Throws<ArgumentException>(() => quantizer.QuantizeRows(weights, new byte[95], new float[6], new byte[4], new QuantizationError()));
        Assert.Throws<ArgumentException>(() => quantizer.QuantizeRows(weights, new byte[96], new float[6], new byte[2], new QuantizationError()));
        quantizer.QuantizeRows(weights, new byte[96], new float[6], new byte[4], new QuantizationError());
    }

    [Fact]
    public void LayoutFollowsMatMulNBitsShapes()
    {
        var layout = new MatMulNBitsLayout(RowCount: 151936, ColumnCount: 1536, Bits: 4, BlockSize: 32);
        Assert.Equal([151936L, 48, 16], layout.PackedShape);
        Assert.Equal([151936L, 48], layout.ScaleShape);
        Assert.Equal([151936L, 24], layout.ZeroPointShape);
        Assert.Equal(151936L * 1536 / 2, layout.PackedByteCount);

        var odd = new MatMulNBitsLayout(RowCount: 5, ColumnCount: 172, Bits: 4, BlockSize: 64);
        Assert.Equal([5L, 3, 32], odd.PackedShape);
        Assert.Equal([5L, 2], odd.ZeroPointShape);
        Assert.Equal([5L, 3], (odd with { Bits = 8 }).ZeroPointShape);
    }
}

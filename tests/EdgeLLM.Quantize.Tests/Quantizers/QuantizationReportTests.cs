using EdgeLLM.Quantize.Quantizers;

namespace EdgeLLM.Quantize.Tests.Quantizers;

/// <summary>The one-line summary pools every tensor's weights and names the tensor with the largest error.</summary>
public sealed class QuantizationReportTests
{
    [Fact]
    public void PoolsTensorsAndNamesTheWorst()
    {
        QuantizedTensor small = Quantize("model.layers.0.mlp.up_proj", 0.02, BlockQuantizationOptions.Default);
        QuantizedTensor large = Quantize("lm_head", 2.0, BlockQuantizationOptions.Default with { Bits = 8 });
        var report = QuantizationReport.Of([small, large]);

        Assert.Same(large, report.Worst);
        Assert.Equal(small.Error.WeightCount + large.Error.WeightCount, report.Total.WeightCount);
        double pooled = Math.Sqrt(((Math.Pow(small.Error.RootMeanSquareError, 2) * small.Error.WeightCount) + (Math.Pow(large.Error.RootMeanSquareError, 2) * large.Error.WeightCount)) / report.Total.WeightCount);
        Assert.Equal(pooled, report.Total.RootMeanSquareError, 12);
        Assert.Equal(Math.Max(small.Error.MaxAbsoluteError, large.Error.MaxAbsoluteError), report.Total.MaxAbsoluteError);
        Assert.StartsWith("2 tensors quantized, 8,192 weights, rms error ", report.ToString(), StringComparison.Ordinal);
        Assert.Contains("in lm_head (int8 block 32 symmetric searched scales)", report.ToString(), StringComparison.Ordinal);
        Assert.Equal("no tensors quantized", QuantizationReport.Of([]).ToString());
    }

    private static QuantizedTensor Quantize(string name, double spread, BlockQuantizationOptions options)
    {
        float[] weights = TestWeights.Normal(64 * 64, seed: name.Length).Select(value => (float)(value * spread / 0.02)).ToArray();
        return QuantizedMatrix.Of(weights, 64, 64, options, name).Tensor;
    }
}

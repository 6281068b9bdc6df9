using EdgeLLM.Runtime.Benchmarking;

namespace EdgeLLM.Runtime.Tests.Benchmarking;

public sealed class SampleSummaryTests
{
    [Fact]
    public void SampleStandardDeviationDividesByCountMinusOne()
    {
        SampleSummary summary = SampleSummary.Of([2, 4, 4, 4, 5, 5, 7, 9]);

        Assert.Equal(8, summary.Count);
        Assert.Equal(5.0, summary.Mean, 12);
        // Squared deviations sum to 32: population sd 2, sample sd sqrt(32 / 7).
        Assert.Equal(Math.Sqrt(32.0 / 7.0), summary.StandardDeviation, 12);
        Assert.Equal(4.5, summary.Median, 12);
        Assert.Equal(2, summary.Minimum);
        Assert.Equal(9, summary.Maximum);
    }

    [Fact]
    public void OddCountMedianIsTheMiddleValueWhateverTheOrder()
    {
        SampleSummary summary = SampleSummary.Of([30.5, 10.5, 20.0]);

        Assert.Equal(20.0, summary.Median);
        Assert.Equal(20.333333333333, summary.Mean, 11);
        // Deviations 10.1667, -9.8333, -0.3333: squares sum to 200.1667, over n - 1 = 2.
        Assert.Equal(Math.Sqrt(200.16666666666666 / 2), summary.StandardDeviation, 11);
    }

    [Fact]
    public void OneValueHasNoSpread()
    {
        SampleSummary summary = SampleSummary.Of([12.5]);

        Assert.Equal(0, summary.StandardDeviation);
        Assert.Equal(12.5, summary.Median);
        Assert.Equal("12.50 ± 0.00", summary.Format());
    }

    [Fact]
    public void FormatPrintsMeanAndSdLikeLlamaBench()
        => Assert.Equal("3.0 ± 1.4", SampleSummary.Of([2, 4]).Format(1));

    [Fact]
    public void NoValuesIsAnError()
        => Assert.Throws<ArgumentException>(() => SampleSummary.Of([]));
}

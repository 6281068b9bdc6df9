using EdgeLLM.Runtime.Engines.Cpu.Kernels;
using Xunit.Abstractions;

namespace EdgeLLM.Runtime.Tests.Engines.Cpu.Kernels;

public sealed class KernelThroughputTests(ITestOutputHelper output)
{
    [Fact]
    public void MeasuresEveryShapeLayoutAndThreadCount()
    {
        KernelThroughputShape[] shapes = [new("tiny", 20, 70), new("wide", 8, 300)];
        var figures = KernelThroughput.Measure(
            KernelSet.Detect(), shapes, [WeightLayout.Int4Blocks, WeightLayout.Int8Blocks], [1, 2], 32, TimeSpan.FromMilliseconds(5), workingSetBytes: 1 << 16);
        Assert.Equal(8, figures.Count);
        foreach (var figure in figures)
        {
            output.WriteLine(figure.ToString());
            Assert.True(figure.SecondsPerCall > 0 && double.IsFinite(figure.GigabytesPerSecond));
            int blocks = (figure.Shape.InputCount + 31) / 32;
            int bits = figure.Layout == WeightLayout.Int4Blocks ? 4 : 8;
            Assert.Equal((long)figure.Shape.OutputCount * blocks * ((32 * bits / 8) + 4), figure.WeightBytes);
        }
    }
}

using System.Runtime.InteropServices;
using EdgeLLM.Runtime.Engines.Cpu.Kernels;

namespace EdgeLLM.Runtime.Tests.Engines.Cpu.Kernels;

public sealed class EmbeddingKernelTests
{
    [Theory]
    [InlineData(4, 16, false, false)]
    [InlineData(4, 32, true, true)]
    [InlineData(8, 256, false, true)]
    [InlineData(8, 64, true, false)]
    public void QuantizedRowsDequantizeExactly(int bits, int blockSize, bool asymmetric, bool halfScales)
    {
        var weights = new QuantizedWeights(7, (3 * blockSize) - 5, bits, blockSize, asymmetric, halfScales, seed: blockSize);
        var row = new float[weights.InputCount];
        for (int n = 0; n < weights.OutputCount; n++)
        {
            EmbeddingKernel.GatherRow(weights.Matrix, n, row);
            for (int k = 0; k < weights.InputCount; k++)
            {
                Assert.Equal((float)weights.Dequantized(n, k), row[k], 1e-6f);
            }
        }
    }

    [Fact]
    public void FloatRowsAreCopiedAndBadRowsRejected()
    {
        float[] table = ElementwiseKernelTests.Random(5 * 9, 4);
        Half[] halves = [.. table.Select(v => (Half)v)];
        var singleHandle = GCHandle.Alloc(table, GCHandleType.Pinned);
        var halfHandle = GCHandle.Alloc(halves, GCHandleType.Pinned);
        try
        {
            var single = new WeightMatrix { Layout = WeightLayout.Float32OutputMajor, OutputCount = 5, InputCount = 9, Values = singleHandle.AddrOfPinnedObject() };
            var half = new WeightMatrix { Layout = WeightLayout.Float16OutputMajor, OutputCount = 5, InputCount = 9, Values = halfHandle.AddrOfPinnedObject() };
            var row = new float[9];
            EmbeddingKernel.GatherRow(single, 3, row);
            Assert.Equal(table.AsSpan(27, 9).ToArray(), row);
            EmbeddingKernel.GatherRow(half, 4, row);
            Assert.Equal(halves.AsSpan(36, 9).ToArray().Select(v => (float)v).ToArray(), row);
            Assert.Throws<ArgumentOutOfRangeException>(() => EmbeddingKernel.GatherRow(single, 5, row));
        }
        finally
        {
            singleHandle.Free();
            halfHandle.Free();
        }
    }
}

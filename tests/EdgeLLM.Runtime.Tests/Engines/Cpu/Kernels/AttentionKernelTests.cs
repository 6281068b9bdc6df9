using System.Runtime.InteropServices;
using EdgeLLM.Runtime.Engines.Cpu.Kernels;

namespace EdgeLLM.Runtime.Tests.Engines.Cpu.Kernels;

public sealed class AttentionKernelTests
{
    [Theory]
    [InlineData(KvElement.Float32)]
    [InlineData(KvElement.Float16)]
    public void MatchesDoubleSoftmaxAttention(KvElement element)
    {
        foreach (int headDim in new[] { 1, 7, 8, 12, 64, 128 })
        {
            foreach (int length in new[] { 1, 2, 3, 9, 17, 40, 300 })
            {
                float[] query = ElementwiseKernelTests.Random(headDim, headDim + length);
                float[] keys = ElementwiseKernelTests.Random(length * headDim, length);
                float[] values = ElementwiseKernelTests.Random(length * headDim, length + 1);
                for (int i = 0; i < keys.Length; i++)
                {
                    keys[i] *= 4;
                }

                var halfKeys = keys.Select(v => (Half)v).ToArray();
                var halfValues = values.Select(v => (Half)v).ToArray();
                double[] k = element == KvElement.Float16 ? [.. halfKeys.Select(v => (double)(float)v)] : [.. keys.Select(v => (double)v)];
                double[] v = element == KvElement.Float16 ? [.. halfValues.Select(x => (double)(float)x)] : [.. values.Select(x => (double)x)];
                float scale = 1 / MathF.Sqrt(headDim);
                var scores = new float[length + 3];
                var output = new float[headDim];
                var keyHandle = GCHandle.Alloc(element == KvElement.Float16 ? halfKeys : keys, GCHandleType.Pinned);
                var valueHandle = GCHandle.Alloc(element == KvElement.Float16 ? halfValues : values, GCHandleType.Pinned);
                try
                {
                    AttentionKernel.Attend(query, keyHandle.AddrOfPinnedObject(), valueHandle.AddrOfPinnedObject(), element, length, headDim, scale, scores, output);
                }
                finally
                {
                    keyHandle.Free();
                    valueHandle.Free();
                }

                var weights = new double[length];
                for (int p = 0; p < length; p++)
                {
                    for (int d = 0; d < headDim; d++)
                    {
                        weights[p] += query[d] * k[(p * headDim) + d];
                    }

                    weights[p] *= scale;
                }

                double max = weights.Max();
                double total = weights.Sum(w => Math.Exp(w - max));
                for (int d = 0; d < headDim; d++)
                {
                    double expected = 0;
                    for (int p = 0; p < length; p++)
                    {
                        expected += Math.Exp(weights[p] - max) / total * v[(p * headDim) + d];
                    }

                    Assert.True(Math.Abs(output[d] - expected) <= 1e-5, $"{element} head {headDim} length {length} dim {d}: {output[d]} vs {expected}");
                }
            }
        }
    }
}

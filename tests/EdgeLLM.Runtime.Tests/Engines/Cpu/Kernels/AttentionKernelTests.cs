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

    /// <summary>Every query head of a KV group at once gives each head's own <see cref="AttentionKernel.Attend"/> result, bit for bit.</summary>
    [Theory]
    [InlineData(KvElement.Float32)]
    [InlineData(KvElement.Float16)]
    public unsafe void GroupGivesEachHeadsOwnResult(KvElement element)
    {
        foreach ((int headDim, int groupSize, int length) in new[] { (1, 1, 1), (7, 3, 9), (64, 6, 40), (128, 6, 300), (128, 1, 17), (12, 8, 2) })
        {
            float[] queries = ElementwiseKernelTests.Random(groupSize * headDim, headDim + groupSize);
            float[] keys = ElementwiseKernelTests.Random(length * headDim, length);
            float[] values = ElementwiseKernelTests.Random(length * headDim, length + 7);
            Half[] halfKeys = [.. keys.Select(v => (Half)(4 * v))];
            Half[] halfValues = [.. values.Select(v => (Half)v)];
            float scale = 1 / MathF.Sqrt(headDim);
            int scoresStride = length + 5;
            var scores = new float[groupSize * scoresStride];
            var grouped = new float[groupSize * headDim];
            var single = new float[headDim];
            var singleScores = new float[length];
            fixed (float* q = queries, s = scores, y = grouped, k32 = keys, v32 = values)
            fixed (Half* k16 = halfKeys, v16 = halfValues)
            {
                nint k = element == KvElement.Float16 ? (nint)k16 : (nint)k32;
                nint v = element == KvElement.Float16 ? (nint)v16 : (nint)v32;
                AttentionKernel.AttendGroup(q, y, s, scoresStride, k, v, element, length, headDim, groupSize, scale);
                for (int g = 0; g < groupSize; g++)
                {
                    AttentionKernel.Attend(queries.AsSpan(g * headDim, headDim), k, v, element, length, headDim, scale, singleScores, single);
                    Assert.Equal(single, grouped.AsSpan(g * headDim, headDim).ToArray());
                    Assert.Equal(singleScores, scores.AsSpan(g * scoresStride, length).ToArray());
                }
            }
        }
    }
}

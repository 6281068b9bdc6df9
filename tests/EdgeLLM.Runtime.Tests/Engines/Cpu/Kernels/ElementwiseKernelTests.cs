using EdgeLLM.Runtime.Engines.Cpu.Kernels;

namespace EdgeLLM.Runtime.Tests.Engines.Cpu.Kernels;

public sealed class ElementwiseKernelTests
{
    private static readonly int[] Lengths = [.. Enumerable.Range(0, 70), 127, 128, 129, 255, 256, 257, 600];

    [Fact]
    public void RmsNormMatchesDouble()
    {
        foreach (int length in Lengths.Where(l => l > 0))
        {
            float[] x = Random(length, length);
            float[] w = Random(length, length + 1000);
            var y = new float[length];
            RmsNormKernel.Apply(x, w, 1e-6f, y);
            double mean = x.Sum(v => (double)v * v) / length;
            double factor = 1 / Math.Sqrt(mean + 1e-6);
            for (int i = 0; i < length; i++)
            {
                Assert.True(Math.Abs(y[i] - (x[i] * factor * w[i])) <= 2e-6 * (1 + Math.Abs(x[i] * factor * w[i])), $"length {length} index {i}");
            }
        }
    }

    [Fact]
    public void RotaryRotatesHalvesAndLeavesTheRest()
    {
        foreach (int half in new[] { 1, 3, 4, 8, 9, 16, 32, 64 })
        {
            foreach (int extra in new[] { 0, 5 })
            {
                float[] x = Random((2 * half) + extra, half);
                float[] original = (float[])x.Clone();
                float[] cos = Random(half, half + 1);
                float[] sin = Random(half, half + 2);
                RotaryKernel.Apply(x, cos, sin);
                for (int i = 0; i < half; i++)
                {
                    Assert.Equal((original[i] * cos[i]) - (original[i + half] * sin[i]), x[i], 1e-6f);
                    Assert.Equal((original[i + half] * cos[i]) + (original[i] * sin[i]), x[i + half], 1e-6f);
                }

                for (int i = 2 * half; i < x.Length; i++)
                {
                    Assert.Equal(original[i], x[i]);
                }
            }
        }
    }

    [Fact]
    public void VectorExponentialMatchesDouble()
    {
        string? disagreement = KernelAgreement.ExpDisagreement();
        Assert.True(disagreement is null, disagreement);
    }

    [Fact]
    public void SiluMultiplyMatchesDouble()
    {
        foreach (int length in Lengths)
        {
            float[] gate = Random(length, length);
            for (int i = 0; i < gate.Length; i++)
            {
                gate[i] *= 10; // reach the exp tails
            }

            float[] up = Random(length, length + 7);
            var y = new float[length];
            ActivationKernel.SiluMultiply(gate, up, y);
            for (int i = 0; i < length; i++)
            {
                double expected = gate[i] / (1 + Math.Exp(-gate[i])) * up[i];
                Assert.True(Math.Abs(y[i] - expected) <= 1e-5 * (1 + Math.Abs(expected)), $"length {length} index {i}: {y[i]} vs {expected}");
            }
        }
    }

    [Fact]
    public void SiluMultiplyOfAnySliceEqualsTheWholeCallBitForBit()
    {
        // The worker pool runs SwiGLU's rows in parts that start at any multiple of 4: every element must come out the
        // same whichever part computes it.
        const int length = 61;
        float[] gate = Random(length, 5);
        float[] up = Random(length, 6);
        for (int i = 0; i < length; i++)
        {
            gate[i] *= 10;
        }

        var whole = new float[length];
        ActivationKernel.SiluMultiply(gate, up, whole);
        for (int start = 0; start < length; start++)
        {
            for (int end = start + 1; end <= length; end++)
            {
                var part = new float[end - start];
                ActivationKernel.SiluMultiply(gate.AsSpan(start..end), up.AsSpan(start..end), part);
                for (int i = start; i < end; i++)
                {
                    Assert.True(
                        BitConverter.SingleToInt32Bits(whole[i]) == BitConverter.SingleToInt32Bits(part[i - start]),
                        $"elements {start}..{end}: index {i} gives {part[i - start]}, the whole call {whole[i]}");
                }
            }
        }
    }

    [Fact]
    public void AddAndAddInPlace()
    {
        foreach (int length in Lengths)
        {
            float[] a = Random(length, 1);
            float[] b = Random(length, 2);
            var sum = new float[length];
            VectorKernel.Add(a, b, sum);
            float[] target = (float[])a.Clone();
            VectorKernel.AddInPlace(target, b);
            for (int i = 0; i < length; i++)
            {
                Assert.Equal(a[i] + b[i], sum[i]);
                Assert.Equal(a[i] + b[i], target[i]);
            }
        }
    }

    [Fact]
    public void SoftmaxMatchesDouble()
    {
        foreach (int length in Lengths.Where(l => l > 0))
        {
            string? disagreement = KernelAgreement.SoftmaxDisagreement(length);
            Assert.True(disagreement is null, disagreement);
        }
    }

    [Fact]
    public void HalfConversionsAreExactForEveryHalf()
    {
        var halves = new Half[65536 + 3];
        for (int i = 0; i < 65536; i++)
        {
            halves[i] = BitConverter.UInt16BitsToHalf((ushort)i);
        }

        var singles = new float[halves.Length];
        var scales = new float[halves.Length];
        HalfKernel.ToSingle(halves, singles);
        HalfKernel.ScalesToSingle(halves, scales);
        for (int i = 0; i < halves.Length; i++)
        {
            float expected = (float)halves[i];
            Assert.True(
                BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(singles[i]) || (float.IsNaN(expected) && float.IsNaN(singles[i])),
                $"half 0x{i:X4}: {singles[i]} vs {expected}");
            Assert.True(
                BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(scales[i]) || (float.IsNaN(expected) && float.IsNaN(scales[i])),
                $"half 0x{i:X4} as a scale: {scales[i]} vs {expected}");
        }

        float[] source = Random(101, 3);
        var back = new Half[101];
        HalfKernel.ToHalf(source, back);
        for (int i = 0; i < source.Length; i++)
        {
            Assert.Equal((Half)source[i], back[i]);
        }
    }

    internal static float[] Random(int length, int seed)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return values;
    }
}

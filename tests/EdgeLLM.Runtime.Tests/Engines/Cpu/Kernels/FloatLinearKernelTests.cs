using System.Runtime.InteropServices;
using EdgeLLM.Runtime.Engines.Cpu.Kernels;
using EdgeLLM.Runtime.Engines.Cpu.Threading;

namespace EdgeLLM.Runtime.Tests.Engines.Cpu.Kernels;

public sealed unsafe class FloatLinearKernelTests
{
    public static TheoryData<WeightLayout> Layouts() => new()
    {
        WeightLayout.Float32InputMajor, WeightLayout.Float16InputMajor, WeightLayout.Float32OutputMajor, WeightLayout.Float16OutputMajor,
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void EveryIsaMatchesTheDoubleProductOverEveryLength(WeightLayout layout)
    {
        var lengths = Enumerable.Range(1, 40).Concat([63, 64, 65, 127, 128, 129, 255, 257, 600]);
        using var pool1 = new WorkerPool(1);
        using var pool3 = new WorkerPool(3);
        int seed = 1;
        foreach (int inputCount in lengths)
        {
            foreach (int outputCount in new[] { 1, 5, 37 })
            {
                int tokenCount = inputCount % 3 == 0 ? 2 : 1;
                bool half = layout is WeightLayout.Float16InputMajor or WeightLayout.Float16OutputMajor;
                bool inputMajor = layout is WeightLayout.Float32InputMajor or WeightLayout.Float16InputMajor;
                var random = new Random(seed++);
                var values = new double[outputCount, inputCount];
                var singles = GC.AllocateArray<float>(outputCount * inputCount, pinned: true);
                var halves = GC.AllocateArray<Half>(outputCount * inputCount, pinned: true);
                for (int n = 0; n < outputCount; n++)
                {
                    for (int k = 0; k < inputCount; k++)
                    {
                        float v = (float)((random.NextDouble() * 2) - 1);
                        int index = inputMajor ? (k * outputCount) + n : (n * inputCount) + k;
                        halves[index] = (Half)v;
                        singles[index] = v;
                        values[n, k] = half ? (double)(float)halves[index] : v;
                    }
                }

                float[] input = KernelAgreement.RandomInput(tokenCount * inputCount, seed++);
                nint address = half
                    ? (nint)Marshal.UnsafeAddrOfPinnedArrayElement(halves, 0)
                    : (nint)Marshal.UnsafeAddrOfPinnedArrayElement(singles, 0);
                var matrix = new WeightMatrix { Layout = layout, OutputCount = outputCount, InputCount = inputCount, Values = address };
                var scratch = new LinearScratch(tokenCount, inputCount, 3);
                foreach (var isa in KernelSet.Supported())
                {
                    foreach (var pool in new[] { pool1, pool3 })
                    {
                        var output = new float[tokenCount * outputCount];
                        KernelSet.For(isa).Linear.Multiply(matrix, input, tokenCount, output, scratch, pool);
                        for (int t = 0; t < tokenCount; t++)
                        {
                            for (int n = 0; n < outputCount; n++)
                            {
                                double exact = 0, magnitude = 0;
                                for (int k = 0; k < inputCount; k++)
                                {
                                    exact += input[(t * inputCount) + k] * values[n, k];
                                    magnitude += Math.Abs(input[(t * inputCount) + k] * values[n, k]);
                                }

                                float actual = output[(t * outputCount) + n];
                                Assert.True(
                                    Math.Abs(actual - exact) <= 1e-5 * (magnitude + 1e-3),
                                    $"{layout} {isa} {pool.ThreadCount} threads K {inputCount} N {outputCount} token {t} row {n}: {actual} vs {exact}");
                            }
                        }
                    }
                }
            }
        }
    }
}

using EdgeLLM.Runtime.Engines.Cpu.Kernels;
using EdgeLLM.Runtime.Engines.Cpu.Threading;

namespace EdgeLLM.Runtime.Tests.Engines.Cpu.Kernels;

/// <summary>One weight matrix and random tokens, with the exact references computed once for every kernel run on it.</summary>
internal sealed class KernelCase
{
    private readonly float[] input;
    private readonly (double Value, double Magnitude, double DequantizedValue, double QuantizationBound)[] references;

    public KernelCase(QuantizedWeights weights, int tokenCount, int seed)
    {
        Weights = weights;
        TokenCount = tokenCount;
        int inputCount = weights.InputCount, outputCount = weights.OutputCount;
        input = KernelAgreement.RandomInput(tokenCount * inputCount, seed);
        references = new (double, double, double, double)[tokenCount * outputCount];
        for (int token = 0; token < tokenCount; token++)
        {
            for (int row = 0; row < outputCount; row++)
            {
                references[(token * outputCount) + row] = weights.Reference(input.AsSpan(token * inputCount, inputCount), row);
            }
        }
    }

    public QuantizedWeights Weights { get; }

    public int TokenCount { get; }

    /// <summary>
    /// Runs <paramref name="isa"/>'s kernel on <paramref name="pool"/>'s threads and returns the first output that
    /// is further than 1e-5 of its magnitude from the exact block sums, or further from the fp32 product than the int8
    /// activations allow; null when every output agrees.
    /// </summary>
    public string? Disagreement(KernelIsa isa, WorkerPool pool)
    {
        int inputCount = Weights.InputCount, outputCount = Weights.OutputCount;
        int threadCount = pool.ThreadCount;
        var scratch = new LinearScratch(TokenCount, inputCount, threadCount);
        var output = new float[TokenCount * outputCount];
        KernelSet.For(isa).Linear.Multiply(Weights.Matrix, input, TokenCount, output, scratch, pool);
        for (int i = 0; i < output.Length; i++)
        {
            var reference = references[i];
            string Where() => $"{isa}, {threadCount} threads, int{Weights.Bits} block {Weights.BlockSize}"
                + $"{(Weights.Matrix.ZeroPoints != 0 ? " zero points" : string.Empty)}{(Weights.Matrix.ScalesAreHalf ? " fp16 scales" : string.Empty)}, "
                + $"K {inputCount}, N {outputCount}, token {i / outputCount} of {TokenCount}, row {i % outputCount}";
            if (!(Math.Abs(output[i] - reference.Value) <= 1e-5 * reference.Magnitude))
            {
                return $"{Where()}: {output[i]} vs exact block sums {reference.Value} (magnitude {reference.Magnitude})";
            }

            if (!(Math.Abs(output[i] - reference.DequantizedValue) <= reference.QuantizationBound + (1e-5 * reference.Magnitude)))
            {
                return $"{Where()}: {output[i]} is further than {reference.QuantizationBound} from the fp32 product {reference.DequantizedValue}";
            }
        }

        return null;
    }
}

using EdgeLLM.Runtime.Engines.Cpu.Threading;

namespace EdgeLLM.Runtime.Engines.Cpu.Kernels;

/// <summary>
/// Linear layers y[m, n] = Σ_k x[m, k] · W[n, k] over weights where they lie. Block-quantized weights: activations are
/// quantized to int8 per block once per call (symmetric, one fp32 scale per block, like ONNX Runtime's accuracy_level
/// 4), int32 block dot products, fp32 accumulation. Float layouts: fp32 math. Work is split over the pool's threads
/// by output rows (InputMajor: output columns).
/// </summary>
public sealed unsafe class LinearKernel
{
    /// <summary>Rows per SIMD pass of the quantized kernels: thread ranges are whole multiples of it.</summary>
    private const int RowsPerPass = 4;

    internal LinearKernel(KernelIsa isa) => Isa = isa;

    internal KernelIsa Isa { get; }

    /// <summary>input [tokenCount, K] row-major, output [tokenCount, N] row-major (overwritten).</summary>
    public void Multiply(
        in WeightMatrix weight, ReadOnlySpan<float> input, int tokenCount, Span<float> output, LinearScratch scratch, WorkerPool pool)
        => Multiply(weight, 0, weight.OutputCount, input, tokenCount, output, scratch, pool);

    /// <summary>
    /// Rows [<paramref name="firstOutput"/>, <paramref name="firstOutput"/> + <paramref name="outputCount"/>) of W only
    /// (a vocab-sized lm_head split, …): output [tokenCount, outputCount] row-major (overwritten).
    /// </summary>
    public void Multiply(
        in WeightMatrix weight, int firstOutput, int outputCount, ReadOnlySpan<float> input, int tokenCount, Span<float> output,
        LinearScratch scratch, WorkerPool pool)
    {
        ArgumentNullException.ThrowIfNull(scratch);
        ArgumentNullException.ThrowIfNull(pool);
        weight.Validate();
        if (firstOutput < 0 || outputCount < 0 || firstOutput + outputCount > weight.OutputCount)
        {
            throw new ArgumentOutOfRangeException(
                nameof(outputCount), $"rows {firstOutput}..{firstOutput + outputCount} are outside the {weight.OutputCount} rows of the weight");
        }

        int inputCount = weight.InputCount;
        if (tokenCount <= 0 || input.Length < (long)tokenCount * inputCount || output.Length < (long)tokenCount * outputCount)
        {
            throw new ArgumentException(
                $"linear: {tokenCount} tokens of {inputCount} inputs and {outputCount} outputs do not fit input {input.Length} / output {output.Length}");
        }

        if (tokenCount == 0 || outputCount == 0)
        {
            return;
        }

        fixed (float* x = input, y = output)
        {
            if (weight.IsQuantized)
            {
                if (tokenCount > scratch.MaxTokenCount || inputCount > scratch.MaxInputCount)
                {
                    throw new ArgumentException(
                        $"linear scratch holds {scratch.MaxTokenCount} tokens of {scratch.MaxInputCount} inputs; the call needs {tokenCount} of {inputCount}");
                }

                bool nibbleOrder = weight.Layout == WeightLayout.Int4Blocks;
                for (int token = 0; token < tokenCount; token++)
                {
                    QuantizedActivations.ForToken(scratch, token).Quantize(x + ((long)token * inputCount), inputCount, weight.BlockSize, nibbleOrder);
                }

                if (Isa is KernelIsa.Avx2 or KernelIsa.AvxVnni && QuantizedRowsAvx2.RunsQuads(weight, tokenCount))
                {
                    scratch.ArrangeQuads(tokenCount, weight.BlockCount);
                }
            }

            var work = new LinearWork
            {
                Weight = weight,
                Isa = Isa,
                FirstOutput = firstOutput,
                TokenCount = tokenCount,
                Input = x,
                Output = y,
                OutputStride = outputCount,
                Scratch = scratch,
            };
            int grain = weight.Layout is WeightLayout.Float32InputMajor or WeightLayout.Float16InputMajor ? 16 : RowsPerPass;
            pool.Run(outputCount, grain, ref work);
        }
    }
}

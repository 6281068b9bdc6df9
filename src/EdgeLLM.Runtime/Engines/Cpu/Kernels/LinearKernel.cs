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
            PrepareInput(weight, x, tokenCount, scratch, pool);
            LinearWork work = Work(weight, firstOutput, tokenCount, x, y, outputCount, scratch);
            pool.Run(outputCount, Grain(weight), ref work);
        }
    }

    /// <summary>
    /// SwiGLU's three steps in one call: gate = x·Wgᵀ and up = x·Wuᵀ over the same quantized input (quantized once), and
    /// activated = silu(gate) · up, each thread over its own rows of all three (one pass over the pool instead of three
    /// calls and a single-threaded SiLU). Gate and up must have the same shape and layout. All buffers are [tokenCount, N].
    /// </summary>
    public void MultiplyGateUp(
        in WeightMatrix gate, in WeightMatrix up, ReadOnlySpan<float> input, int tokenCount, Span<float> gateOutput, Span<float> upOutput,
        Span<float> activated, LinearScratch scratch, WorkerPool pool)
    {
        ArgumentNullException.ThrowIfNull(scratch);
        ArgumentNullException.ThrowIfNull(pool);
        gate.Validate();
        up.Validate();
        if (!SameShape(gate, up))
        {
            throw new ArgumentException(
                $"gate ({gate.Layout}, {gate.OutputCount} x {gate.InputCount}, block {gate.BlockSize}) and up ({up.Layout}, {up.OutputCount} x {up.InputCount}, block {up.BlockSize}) differ");
        }

        int inputCount = gate.InputCount, outputCount = gate.OutputCount;
        long outputLength = (long)tokenCount * outputCount;
        if (tokenCount <= 0 || input.Length < (long)tokenCount * inputCount
            || gateOutput.Length < outputLength || upOutput.Length < outputLength || activated.Length < outputLength)
        {
            throw new ArgumentException(
                $"gate/up: {tokenCount} tokens of {inputCount} inputs and {outputCount} outputs do not fit input {input.Length} / outputs {gateOutput.Length}, {upOutput.Length}, {activated.Length}");
        }

        fixed (float* x = input, g = gateOutput, u = upOutput, a = activated)
        {
            PrepareInput(gate, x, tokenCount, scratch, pool);
            var work = new GateUpWork
            {
                Gate = Work(gate, 0, tokenCount, x, g, outputCount, scratch),
                Up = Work(up, 0, tokenCount, x, u, outputCount, scratch),
                Activated = a,
            };
            pool.Run(outputCount, Grain(gate), ref work);
        }
    }

    /// <summary>Whether <see cref="MultiplyGateUp"/> takes this pair: the same layout, shape and block size.</summary>
    public static bool SameShape(in WeightMatrix gate, in WeightMatrix up)
        => gate.Layout == up.Layout && gate.OutputCount == up.OutputCount && gate.InputCount == up.InputCount && gate.BlockSize == up.BlockSize;

    private static int Grain(in WeightMatrix weight)
        => weight.Layout is WeightLayout.Float32InputMajor or WeightLayout.Float16InputMajor ? 16 : RowsPerPass;

    private LinearWork Work(in WeightMatrix weight, int firstOutput, int tokenCount, float* x, float* y, int outputStride, LinearScratch scratch)
        => new()
        {
            Weight = weight,
            Isa = Isa,
            FirstOutput = firstOutput,
            TokenCount = tokenCount,
            Input = x,
            Output = y,
            OutputStride = outputStride,
            Scratch = scratch,
        };

    /// <summary>Block-quantized weights: the tokens' activations quantized per block into the scratch (and arranged for the four-token kernel).</summary>
    private void PrepareInput(in WeightMatrix weight, float* x, int tokenCount, LinearScratch scratch, WorkerPool pool)
    {
        if (!weight.IsQuantized)
        {
            return;
        }

        int inputCount = weight.InputCount;
        if (tokenCount > scratch.MaxTokenCount || inputCount > scratch.MaxInputCount)
        {
            throw new ArgumentException(
                $"linear scratch holds {scratch.MaxTokenCount} tokens of {scratch.MaxInputCount} inputs; the call needs {tokenCount} of {inputCount}");
        }

        var work = new InputQuantizationWork
        {
            Input = x,
            InputCount = inputCount,
            TokenCount = tokenCount,
            BlockSize = weight.BlockSize,
            NibbleOrder = weight.Layout == WeightLayout.Int4Blocks,
            ArrangeQuads = Isa is KernelIsa.Avx2 or KernelIsa.AvxVnni && QuantizedRowsAvx2.RunsQuads(weight, tokenCount),
            Scratch = scratch,
        };

        // A prompt's tokens are quantized over the pool, four per grain; up to four (decode's one) stay on this thread.
        pool.Run((tokenCount + 3) / 4, 1, ref work);
    }
}

using EdgeLLM.Runtime.Engines.Cpu.Threading;

namespace EdgeLLM.Runtime.Engines.Cpu.Kernels;

/// <summary>
/// A several-token call's activations quantized per block over the pool, by groups of four tokens: each group's tokens
/// are quantized, then (for the AVX2 four-token kernel) the group's block sums and scales arranged.
/// </summary>
internal unsafe struct InputQuantizationWork : IRangeWork
{
    public float* Input;
    public int InputCount;
    public int TokenCount;
    public int BlockSize;
    public bool NibbleOrder;
    public bool ArrangeQuads;
    public LinearScratch Scratch;

    public void Execute(int start, int end)
    {
        int lastToken = Math.Min(4 * end, TokenCount);
        for (int token = 4 * start; token < lastToken; token++)
        {
            QuantizedActivations.ForToken(Scratch, token).Quantize(Input + ((long)token * InputCount), InputCount, BlockSize, NibbleOrder);
        }

        if (ArrangeQuads)
        {
            int blockCount = (InputCount + BlockSize - 1) / BlockSize;
            for (int quad = start; quad < end && (4 * quad) + 4 <= TokenCount; quad++)
            {
                Scratch.ArrangeQuad(quad, blockCount);
            }
        }
    }
}

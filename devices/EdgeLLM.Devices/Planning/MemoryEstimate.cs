namespace EdgeLLM.Devices.Planning;

/// <summary>What running a model at one context costs, by part, in bytes.</summary>
/// <param name="Context">Tokens of KV cache.</param>
/// <param name="MappedWeightBytes">File-backed weight pages expected resident (norms, biases, touched embedding rows).</param>
/// <param name="PackedWeightBytes">Prepacked MatMul weights on the heap (CPU) or the weights in device memory (GPU).</param>
/// <param name="KvCacheBytes">Keys and values for the whole context.</param>
/// <param name="ActivationBytes">The arena's peak for one prefill chunk.</param>
/// <param name="RuntimeBytes">The process baseline (CPU) or the GPU context.</param>
public sealed record MemoryEstimate(
    int Context,
    long MappedWeightBytes,
    long PackedWeightBytes,
    long KvCacheBytes,
    long ActivationBytes,
    long RuntimeBytes)
{
    public long TotalBytes => MappedWeightBytes + PackedWeightBytes + KvCacheBytes + ActivationBytes + RuntimeBytes;
}

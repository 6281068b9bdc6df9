namespace EdgeLLM.Devices.Planning;

/// <summary>What running a model at one context costs, by part, in bytes.</summary>
/// <param name="Context">Tokens of KV cache.</param>
/// <param name="MappedWeightBytes">File-backed weight pages expected resident (norms, biases, touched embedding rows).</param>
/// <param name="PackedWeightBytes">Prepacked MatMul weights on the heap (CPU) or the weights in device memory (GPU).</param>
/// <param name="KvCacheBytes">Keys and values for the whole context.</param>
/// <param name="ActivationBytes">The arena's peak for one prefill chunk.</param>
/// <param name="RuntimeBytes">The process baseline (CPU) or the GPU context.</param>
/// <remarks>
/// <see cref="TotalBytes"/> is the larger of the running cost (the sum of the parts) and
/// <see cref="LoadPeakBytes"/>: while ONNX Runtime prepacks, the packed weights, every scale it has
/// read and the matrix being packed are resident together, before any KV cache page is touched.
/// </remarks>
public sealed record MemoryEstimate(
    int Context,
    long MappedWeightBytes,
    long PackedWeightBytes,
    long KvCacheBytes,
    long ActivationBytes,
    long RuntimeBytes)
{
    /// <summary>The peak while the session is created (CPU): 0 where it is not above the running cost's parts (GPU).</summary>
    public long LoadPeakBytes { get; init; }

    /// <summary>What the model costs once loaded, generating at this context.</summary>
    public long RunningBytes => MappedWeightBytes + PackedWeightBytes + KvCacheBytes + ActivationBytes + RuntimeBytes;

    public long TotalBytes => Math.Max(RunningBytes, LoadPeakBytes);
}

using EdgeLLM.Runtime.Engines.Cpu.Kernels;

namespace EdgeLLM.Runtime.Engines.Cpu.Loading;

/// <summary>One decoder layer's weights, every one a view into the mapped file.</summary>
internal sealed class DecoderLayerWeights
{
    public required RmsNormWeight InputNorm { get; init; }

    /// <summary>q|k|v stacked along the output features.</summary>
    public required WeightMatrix Qkv { get; init; }

    /// <summary>The stacked q|k|v bias (Qwen2), or 0.</summary>
    public nint QkvBias { get; init; }

    /// <summary>Per-head q and k norms (Qwen3), or null.</summary>
    public RmsNormWeight? QueryNorm { get; init; }

    public RmsNormWeight? KeyNorm { get; init; }

    public required WeightMatrix Output { get; init; }

    public required RmsNormWeight PostAttentionNorm { get; init; }

    public required WeightMatrix Gate { get; init; }

    public required WeightMatrix Up { get; init; }

    public required WeightMatrix Down { get; init; }
}

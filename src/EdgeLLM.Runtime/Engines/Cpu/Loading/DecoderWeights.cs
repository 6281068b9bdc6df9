using EdgeLLM.Runtime.Engines.Cpu.Kernels;

namespace EdgeLLM.Runtime.Engines.Cpu.Loading;

/// <summary>
/// A recognised decoder: its shape (from initializer dims and node attributes) and every weight as a
/// view into the mapped <see cref="WeightFile"/>. Built by <see cref="DecoderGraphReader"/>.
/// </summary>
internal sealed class DecoderWeights
{
    public required int HiddenSize { get; init; }

    public required int HeadCount { get; init; }

    public required int KvHeadCount { get; init; }

    public required int HeadDim { get; init; }

    public required int IntermediateSize { get; init; }

    public required int VocabSize { get; init; }

    /// <summary>GroupQueryAttention's scale (its attribute, or 1/√head_dim).</summary>
    public required float AttentionScale { get; init; }

    /// <summary>The graph's own RoPE tables, fp32 [positions, rotaryHalf].</summary>
    public required nint RotaryCos { get; init; }

    public required nint RotarySin { get; init; }

    public required int RotaryPositions { get; init; }

    public required int RotaryHalf { get; init; }

    public required WeightMatrix Embedding { get; init; }

    public required IReadOnlyList<DecoderLayerWeights> Layers { get; init; }

    public required RmsNormWeight FinalNorm { get; init; }

    public required WeightMatrix LmHead { get; init; }

    /// <summary>Whether the linear layers are block-quantized (int4/int8): the KV cache is then fp16 by default.</summary>
    public bool Quantized => Layers[0].Qkv.Layout is WeightLayout.Int4Blocks or WeightLayout.Int8Blocks;

    public int QueryWidth => HeadCount * HeadDim;

    public int KvWidth => KvHeadCount * HeadDim;
}

using EdgeLLM.Format.Files;

namespace EdgeLLM.Format.ModelFolder;

/// <summary>What a model folder's <c>edgellm.json</c> says, validated on read.</summary>
public sealed record ModelManifestInfo
{
    public required int FormatVersion { get; init; }

    public required string ToolVersion { get; init; }

    /// <summary>"fp32", "fp16", "int8", "int4", as written.</summary>
    public required string Precision { get; init; }

    /// <summary><see cref="Precision"/> parsed: how the decoder layers' MatMul weights are stored.</summary>
    public required WeightPrecision Weights { get; init; }

    public required string Architecture { get; init; }

    public required int MaxContext { get; init; }

    /// <summary>The provider the graph was shaped for ("cpu", or "dml": fp16 I/O); "cpu" for manifests written before targets.</summary>
    public string Target { get; init; } = "cpu";

    /// <summary>True when the graph computes logits for the last position only.</summary>
    public required bool LastPositionLogitsOnly { get; init; }

    public required int LayerCount { get; init; }

    public required int HiddenSize { get; init; }

    public required int IntermediateSize { get; init; }

    public required int HeadCount { get; init; }

    public required int KvHeadCount { get; init; }

    public required int HeadDim { get; init; }

    public required int VocabSize { get; init; }

    /// <summary>True when the embedding is gathered from lm_head's weights (<c>model.tied_embeddings</c>; false when absent).</summary>
    public bool TiedEmbeddings { get; init; }

    /// <summary>The <c>quantization</c> section, or null for fp32/fp16 models.</summary>
    public ManifestQuantization? Quantization { get; init; }

    public required long WeightBytes { get; init; }

    /// <summary>Every file the folder must hold, with its size and checksum.</summary>
    public required IReadOnlyList<OutputFile> Files { get; init; }
}

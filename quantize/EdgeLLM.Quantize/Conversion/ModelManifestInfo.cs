namespace EdgeLLM.Quantize.Conversion;

/// <summary>What a model folder's <c>edgellm.json</c> says, validated on read.</summary>
public sealed record ModelManifestInfo
{
    public required int FormatVersion { get; init; }

    public required string ToolVersion { get; init; }

    /// <summary>"fp32", "fp16", "int8", "int4".</summary>
    public required string Precision { get; init; }

    public required string Architecture { get; init; }

    public required int MaxContext { get; init; }

    /// <summary>The provider the graph was shaped for ("cpu", or "dml": fp16 I/O); "cpu" for manifests written before targets.</summary>
    public string Target { get; init; } = "cpu";

    /// <summary>True when the graph computes logits for the last position only.</summary>
    public required bool LastPositionLogitsOnly { get; init; }

    public required int LayerCount { get; init; }

    public required int KvHeadCount { get; init; }

    public required int HeadDim { get; init; }

    public required int VocabSize { get; init; }

    public required long WeightBytes { get; init; }

    /// <summary>Every file the folder must hold, with its size and checksum.</summary>
    public required IReadOnlyList<OutputFile> Files { get; init; }
}

using EdgeLLM.Quantize.Checkpoints;

namespace EdgeLLM.Quantize.Synthetic;

/// <summary>What <see cref="CheckpointSynthesizer"/> writes: a shape, the tokenizer to copy, where, and how.</summary>
public sealed record SynthesisRequest
{
    public required SyntheticShape Shape { get; init; }

    /// <summary>A folder holding tokenizer.json (and optionally tokenizer_config.json, special_tokens_map.json, generation_config.json).</summary>
    public required string TokenizerFolder { get; init; }

    public required string OutputFolder { get; init; }

    /// <summary>Stored dtype; null: the shape's torch_dtype.</summary>
    public TensorDType? DType { get; init; }

    /// <summary>Shard limit in megabytes (10^6 bytes); null: the shape's default sharding.</summary>
    public int? ShardMegabytes { get; init; }

    /// <summary>Replace an existing non-empty output folder.</summary>
    public bool Force { get; init; }
}

using EdgeLLM.Quantize.Checkpoints;

namespace EdgeLLM.Quantize.Synthetic;

/// <summary>
/// A named checkpoint shape for <c>edgellm synth</c>: the exact <c>config.json</c> text (and
/// <c>generation_config.json</c> where the model ships one) plus how the checkpoint is sharded.
/// Its weights come from <see cref="WeightRecipe"/>.
/// </summary>
public sealed record SyntheticShape
{
    public required string Name { get; init; }

    /// <summary>One line saying what the shape stands for.</summary>
    public required string Description { get; init; }

    /// <summary>config.json as written to disk.</summary>
    public required string ConfigJson { get; init; }

    /// <summary>generation_config.json as written to disk, or null when the model has none.</summary>
    public string? GenerationConfigJson { get; init; }

    /// <summary>Default shard limit in bytes (null: one model.safetensors).</summary>
    public long? ShardBytes { get; init; }

    public ModelConfig Config => ModelConfig.Parse(ConfigJson, GenerationConfigJson, $"shape '{Name}' config.json");

    /// <summary>The stored dtype config.json's torch_dtype names.</summary>
    public TensorDType DefaultDType => Config.TorchDtype switch
    {
        "float16" => TensorDType.F16,
        "float32" => TensorDType.F32,
        _ => TensorDType.BF16,
    };
}

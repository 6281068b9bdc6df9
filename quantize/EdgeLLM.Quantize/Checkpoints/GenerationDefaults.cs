namespace EdgeLLM.Quantize.Checkpoints;

/// <summary>Sampling defaults a checkpoint ships in generation_config.json (null where not given).</summary>
public sealed record GenerationDefaults
{
    public static GenerationDefaults None { get; } = new();

    public bool? DoSample { get; init; }

    public double? Temperature { get; init; }

    public double? TopP { get; init; }

    public int? TopK { get; init; }

    public double? MinP { get; init; }

    public double? RepetitionPenalty { get; init; }
}

namespace EdgeLLM.Quantize.Checkpoints;

/// <summary>Sampling defaults a checkpoint ships in generation_config.json (null where not given).</summary>
public sealed record GenerationDefaults
{
    public static GenerationDefaults None { get; } = new();

    /// <summary>The defaults in <c>folder/generation_config.json</c>, or <see cref="None"/> when the file is absent.</summary>
    public static GenerationDefaults Load(string folder)
    {
        string path = Path.Combine(folder, "generation_config.json");
        return File.Exists(path) ? ModelConfig.ReadGenerationDefaults(File.ReadAllText(path), path) : None;
    }

    public bool? DoSample { get; init; }

    public double? Temperature { get; init; }

    public double? TopP { get; init; }

    public int? TopK { get; init; }

    public double? MinP { get; init; }

    public double? RepetitionPenalty { get; init; }
}

namespace EdgeLLM.Devices.Profiles;

/// <summary>A model variant a profile recommends for machines with at least so much RAM.</summary>
/// <param name="Model">Model name ("DeepSeek-R1-Distill-Qwen-1.5B").</param>
/// <param name="Precision">Weight precision ("int4").</param>
/// <param name="ParameterCount">Parameters including embeddings (to tell a smaller model from a larger one).</param>
/// <param name="MinimumMemoryBytes">RAM the machine needs for this variant.</param>
public sealed record ModelRecommendation(string Model, string Precision, long ParameterCount, long MinimumMemoryBytes)
{
    /// <summary>"DeepSeek-R1-Distill-Qwen-1.5B int4".</summary>
    public string Label => $"{Model} {Precision}";
}

namespace EdgeLLM.Devices.Profiles;

/// <summary>A model variant a profile recommends for machines with at least so much RAM.</summary>
public sealed record ModelRecommendation(string Model, string Precision, long MinimumMemoryBytes)
{
    /// <summary>"DeepSeek-R1-Distill-Qwen-1.5B int4".</summary>
    public string Label => $"{Model} {Precision}";
}

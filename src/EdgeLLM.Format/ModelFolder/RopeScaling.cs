namespace EdgeLLM.Format.ModelFolder;

/// <summary>Llama 3 RoPE frequency scaling (config.json <c>rope_scaling</c> with rope_type "llama3"); YaRN is <see cref="YarnRopeScaling"/>.</summary>
public sealed record RopeScaling(
    double Factor,
    double LowFreqFactor,
    double HighFreqFactor,
    int OriginalMaxPositionEmbeddings);

namespace EdgeLLM.Format.ModelFolder;

/// <summary>
/// edgellm.json's <c>model.rope</c>: the RoPE the cos/sin tables implement (type, theta, the scaling
/// parameters used) and <c>attention_scale</c>, the factor cos and sin carry (YaRN's attention factor, else 1).
/// </summary>
/// <param name="Type">"default", "llama3" or "yarn".</param>
public sealed record ManifestRope(string Type, double Theta, double AttentionScale)
{
    /// <summary>Llama 3 frequency scaling, or null.</summary>
    public RopeScaling? Llama3 { get; init; }

    /// <summary>YaRN scaling, or null.</summary>
    public ManifestYarnRope? Yarn { get; init; }
}

namespace EdgeLLM.Format.ModelFolder;

/// <summary>
/// The YaRN parameters edgellm.json records; a config's <c>attn_factor</c>, which is not applied, is kept
/// as <paramref name="IgnoredAttnFactor"/> (<c>attn_factor_not_applied</c>) only to say so.
/// </summary>
public sealed record ManifestYarnRope(double Factor, int OriginalMaxPositionEmbeddings, double BetaFast, double BetaSlow, bool Truncate, double? IgnoredAttnFactor);

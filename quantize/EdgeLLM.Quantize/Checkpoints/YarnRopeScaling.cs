namespace EdgeLLM.Quantize.Checkpoints;

/// <summary>
/// YaRN RoPE scaling (config.json <c>rope_scaling</c> with rope_type "yarn"), resolved the way Hugging Face
/// transformers' <c>_compute_yarn_parameters</c> resolves it: <see cref="Factor"/> is
/// max_position_embeddings / original_max_position_embeddings when the original is given (transformers
/// overrides the stated factor with that ratio), <see cref="AttentionFactor"/> is the given
/// <c>attention_factor</c>, else mscale(factor, mscale) / mscale(factor, mscale_all_dim) when both are
/// given, else 0.1·ln(factor) + 1. <see cref="IgnoredAttnFactor"/> is the non-transformers key
/// <c>attn_factor</c> (R1-0528-Qwen3-8B carries 0.878…): neither transformers nor llama.cpp's qwen3
/// applies it, so neither does EdgeLLM; it is kept only to say so.
/// </summary>
public sealed record YarnRopeScaling(
    double Factor,
    int OriginalMaxPositionEmbeddings,
    double BetaFast,
    double BetaSlow,
    bool Truncate,
    double AttentionFactor)
{
    /// <summary>The config's <c>factor</c> as written (before the max/original ratio replaced it).</summary>
    public double StatedFactor { get; init; } = Factor;

    /// <summary><c>attn_factor</c> when the config carries it (not applied), else null.</summary>
    public double? IgnoredAttnFactor { get; init; }

    /// <summary>transformers' <c>get_mscale</c>: 1 for scale ≤ 1, else 0.1·mscale·ln(scale) + 1.</summary>
    public static double MScale(double scale, double mscale = 1.0) => scale <= 1 ? 1.0 : (0.1 * mscale * Math.Log(scale)) + 1.0;

    /// <summary>
    /// The correction range <c>(low, high)</c> in frequency-pair indices: transformers'
    /// <c>find_correction_range(beta_fast, beta_slow, dim, base, original_max_position_embeddings, truncate)</c>.
    /// </summary>
    public (double Low, double High) CorrectionRange(int dim, double theta)
    {
        double low = CorrectionDim(BetaFast, dim, theta);
        double high = CorrectionDim(BetaSlow, dim, theta);
        if (Truncate)
        {
            low = Math.Floor(low);
            high = Math.Ceiling(high);
        }

        return (Math.Max(low, 0), Math.Min(high, dim - 1));
    }

    private double CorrectionDim(double rotations, int dim, double theta)
        => dim * Math.Log(OriginalMaxPositionEmbeddings / (rotations * 2 * Math.PI)) / (2 * Math.Log(theta));
}

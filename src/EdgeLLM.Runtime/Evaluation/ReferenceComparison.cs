namespace EdgeLLM.Runtime.Evaluation;

/// <summary>
/// How a model's next-token distributions differ from a reference model's on the same tokens: the
/// figures llama-perplexity prints with <c>--kl-divergence</c>. KL is KL(reference ‖ model) over the full
/// vocabulary (llama-perplexity stores the reference's log-probabilities in 16 bits and skips those
/// below −16; here both are exact); Δp = p_model(next token) − p_reference(next token).
/// </summary>
public sealed record ReferenceComparison
{
    /// <summary>The reference's perplexity on the same scored tokens.</summary>
    public required Estimate ReferencePerplexity { get; init; }

    /// <summary>Mean ln(PPL(model)/PPL(reference)), its error from both variances and their covariance.</summary>
    public required Estimate LogPerplexityRatio { get; init; }

    public required Estimate MeanKl { get; init; }

    public required double MaxKl { get; init; }

    /// <summary>99th percentile of the per-token KL (llama-perplexity's linear interpolation).</summary>
    public required double P99Kl { get; init; }

    public required double P999Kl { get; init; }

    public required double MedianKl { get; init; }

    /// <summary>Fraction of scored positions where both models' argmax is the same id, ± sqrt(p(1−p)/(n−1)).</summary>
    public required Estimate TopOneAgreement { get; init; }

    public required Estimate MeanDeltaP { get; init; }

    /// <summary>sqrt(mean Δp²), its error 0.5/rms × the error of mean Δp².</summary>
    public required Estimate RmsDeltaP { get; init; }

    public required double MaxAbsDeltaP { get; init; }
}

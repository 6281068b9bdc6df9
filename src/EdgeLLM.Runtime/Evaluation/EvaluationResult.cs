namespace EdgeLLM.Runtime.Evaluation;

/// <summary>Perplexity over the scored halves of the chunks, and with a reference model how far it is from it.</summary>
public sealed record EvaluationResult
{
    /// <summary>Tokens of the whole text.</summary>
    public required int TextTokens { get; init; }

    public required int Context { get; init; }

    public required int Chunks { get; init; }

    /// <summary>Predictions scored: (context − 1 − context/2) per chunk.</summary>
    public required long ScoredTokens { get; init; }

    /// <summary>exp(mean negative log-likelihood) ± perplexity × standard error of that mean (llama-perplexity's final estimate).</summary>
    public required Estimate Perplexity { get; init; }

    public ReferenceComparison? Reference { get; init; }
}

namespace EdgeLLM.Runtime.Evaluation;

/// <summary>How a text is cut and scored: chunks of <see cref="Context"/> tokens, the second half of each scored.</summary>
public sealed record EvaluationOptions
{
    /// <summary>The smallest chunk worth scoring: a context half of 2 tokens and at least one scored prediction.</summary>
    public const int MinimumContext = 4;

    /// <summary>Tokens per chunk (llama-perplexity's -c).</summary>
    public int Context { get; init; } = 512;

    /// <summary>The most chunks to evaluate; 0 evaluates every whole chunk of the text (llama-perplexity's --chunks).</summary>
    public int MaxChunks { get; init; }

    /// <summary>Put at the start of every chunk in place of its first token when the tokenizer adds one (as llama-perplexity does); null: none.</summary>
    public int? BeginningOfSequenceId { get; init; }
}

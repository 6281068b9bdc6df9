using EdgeLLM.Runtime.Engines;

namespace EdgeLLM.Runtime.Evaluation;

/// <summary>What <c>edgellm eval</c> measures: a model folder on a text, optionally against a reference folder.</summary>
public sealed record EvaluationRequest
{
    public required string ModelFolder { get; init; }

    public string? ReferenceFolder { get; init; }

    /// <summary>The text; plain text gets the tokenizer's BOS, a chat prompt is rendered as one user turn with the model's chat template.</summary>
    public required string Text { get; init; }

    public bool TextIsChatPrompt { get; init; }

    /// <summary>Tokens per chunk; 0: 512 (llama-perplexity's default) or the model's maximum context when smaller.</summary>
    public int Context { get; init; }

    /// <summary>The most chunks; 0: all.</summary>
    public int MaxChunks { get; init; }

    /// <summary>Compute threads; 0 lets ONNX Runtime choose.</summary>
    /// <summary>Which engine computes both models' logits (<c>--engine</c>).</summary>
    public EngineChoice Engine { get; init; }

    public int Threads { get; init; }
}

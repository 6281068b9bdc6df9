using EdgeLLM.Runtime.Generation;

namespace EdgeLLM.Runtime.Chat;

/// <summary>A finished (or stopped) reply with its speed figures.</summary>
public sealed record ChatReply
{
    /// <summary>The whole generated text as the model wrote it (reasoning tags included, special tokens skipped).</summary>
    public required string Text { get; init; }

    public required string Reasoning { get; init; }

    public required string Answer { get; init; }

    public required GenerationResult Generation { get; init; }

    /// <summary>Ids fed to the model for this turn (template rendered and encoded).</summary>
    public required IReadOnlyList<int> PromptIds { get; init; }

    /// <summary>Tokens in the KV cache after this reply.</summary>
    public required int ContextUsed { get; init; }
}

using EdgeLLM.Runtime.Chat;

namespace EdgeLLM.Server.Engine;

/// <summary>
/// One validated request for the model: either a conversation (rendered with the model's chat template) or a raw
/// prompt (continued as is), with its sampling settings, stop strings and how the reply is split.
/// </summary>
public sealed record CompletionJob
{
    /// <summary>The conversation for /v1/chat/completions, or null for a raw prompt.</summary>
    public IReadOnlyList<ChatMessage>? Messages { get; init; }

    /// <summary>The raw prompt for /v1/completions, or null for a conversation.</summary>
    public string? Prompt { get; init; }

    /// <summary>Sampling, token limit (null: up to the context), think budget.</summary>
    public required ChatSettings Settings { get; init; }

    /// <summary>Null when the request gave no max_tokens: the reply may run until the context is full.</summary>
    public int? MaxTokens { get; init; }

    /// <summary>OpenAI's presence penalty (-2 to 2, 0 = off), over the tokens drawn for this reply.</summary>
    public double PresencePenalty { get; init; }

    /// <summary>OpenAI's frequency penalty (-2 to 2, 0 = off), over the tokens drawn for this reply.</summary>
    public double FrequencyPenalty { get; init; }

    /// <summary>Texts that end the reply where they first appear (not included in it).</summary>
    public IReadOnlyList<string> Stop { get; init; } = [];

    /// <summary>True: reasoning goes to <c>reasoning_content</c> (deepseek format); false: everything is content.</summary>
    public bool SplitReasoning { get; init; }
}

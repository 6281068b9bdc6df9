namespace EdgeLLM.Server.Engine;

/// <summary>Why a reply ended, in OpenAI's words.</summary>
public enum FinishReason
{
    /// <summary>End of sequence or a stop string: "stop".</summary>
    Stop,

    /// <summary>max_tokens or a full context: "length".</summary>
    Length,

    /// <summary>The client went away or the server is shutting down (never sent).</summary>
    Cancelled,
}

/// <summary>A finished reply: its text split as the job asked, why it ended and the token counts for <c>usage</c>.</summary>
public sealed record CompletionOutcome
{
    public required string Content { get; init; }

    public required string Reasoning { get; init; }

    public required FinishReason FinishReason { get; init; }

    public required int PromptTokens { get; init; }

    /// <summary>Prompt tokens whose KV entries were kept from the previous request (not computed again).</summary>
    public required int CachedTokens { get; init; }

    public required int CompletionTokens { get; init; }
}

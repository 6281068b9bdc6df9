namespace EdgeLLM.Runtime.Generation;

/// <summary>Why a generation ended.</summary>
public enum StopReason
{
    /// <summary>The model produced one of its end-of-sequence ids.</summary>
    EndOfSequence,

    /// <summary>The requested number of new tokens was reached.</summary>
    MaxTokens,

    /// <summary>The KV cache is full: no room for another token.</summary>
    ContextFull,

    /// <summary>The user stopped it (Ctrl-C, Esc).</summary>
    Cancelled,
}

/// <summary>The snake_case names used in JSON output.</summary>
public static class StopReasons
{
    public static string ToJsonName(this StopReason reason) => reason switch
    {
        StopReason.EndOfSequence => "eos",
        StopReason.MaxTokens => "max_tokens",
        StopReason.ContextFull => "context_full",
        StopReason.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };
}

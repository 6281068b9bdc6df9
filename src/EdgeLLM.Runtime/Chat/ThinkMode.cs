namespace EdgeLLM.Runtime.Chat;

/// <summary>How R1 reasoning is handled: shown apart, generated but hidden, or skipped.</summary>
public enum ThinkMode
{
    /// <summary>Reasoning is generated and shown apart from the answer.</summary>
    On,

    /// <summary>Reasoning is generated but not shown.</summary>
    Hide,

    /// <summary>No reasoning: the template's way to skip it where it has one, otherwise the block is closed at once.</summary>
    Off,
}

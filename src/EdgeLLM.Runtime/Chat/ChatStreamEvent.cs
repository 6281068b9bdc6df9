namespace EdgeLLM.Runtime.Chat;

/// <summary>Which part of a reply a piece of streamed text belongs to.</summary>
public enum ReplyPart
{
    Reasoning,
    Answer,
}

/// <summary>A piece of streamed reply text, never splitting a UTF-8 character.</summary>
public readonly record struct ChatStreamEvent(ReplyPart Part, string Text);

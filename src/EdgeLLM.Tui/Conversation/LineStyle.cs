namespace EdgeLLM.Tui.Conversation;

/// <summary>How a display line is drawn.</summary>
public enum LineStyle
{
    Notice,
    User,
    ReasoningHeader,
    Reasoning,
    Answer,
    Code,
    Note,
}

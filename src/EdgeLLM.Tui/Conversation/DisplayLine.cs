namespace EdgeLLM.Tui.Conversation;

/// <summary>One row of the conversation view, already wrapped and in the cell order it is drawn.</summary>
public readonly record struct DisplayLine(string Text, LineStyle Style);

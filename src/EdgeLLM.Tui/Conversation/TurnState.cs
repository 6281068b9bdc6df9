namespace EdgeLLM.Tui.Conversation;

/// <summary>Where a turn's reply stands.</summary>
public enum TurnState
{
    Streaming,
    Finished,
    Stopped,
    Failed,
}

namespace EdgeLLM.Tui.Conversation;

/// <summary>A consistent copy of a turn for drawing or saving.</summary>
public sealed record TurnSnapshot(string UserMessage, string Reasoning, string Answer, TurnState State, string? Note, int Version);

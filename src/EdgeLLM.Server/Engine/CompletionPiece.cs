namespace EdgeLLM.Server.Engine;

/// <summary>A piece of streamed reply text (whole characters), either reasoning or answer.</summary>
public readonly record struct CompletionPiece(bool IsReasoning, string Text);

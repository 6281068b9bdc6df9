namespace EdgeLLM.Runtime.Chat;

/// <summary>A run of generated text of one kind, as <see cref="ReasoningSplitter"/> emits it.</summary>
public readonly record struct ReasoningSegment(ReasoningKind Kind, string Text);

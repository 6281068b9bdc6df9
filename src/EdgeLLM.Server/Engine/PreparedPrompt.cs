namespace EdgeLLM.Server.Engine;

/// <summary>A job with its prompt rendered and encoded, checked to fit the context.</summary>
/// <param name="Job">The request.</param>
/// <param name="Ids">The prompt's token ids.</param>
/// <param name="Rendered">The rendered chat prompt (null for a raw prompt): where the reasoning splitter starts.</param>
public sealed record PreparedPrompt(CompletionJob Job, IReadOnlyList<int> Ids, string? Rendered);

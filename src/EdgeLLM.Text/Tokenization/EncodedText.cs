namespace EdgeLLM.Text.Tokenization;

/// <summary>The result of encoding: token ids and their pieces (vocabulary spelling, e.g. "Ġworld" or "▁Once").</summary>
public sealed record EncodedText(IReadOnlyList<int> Ids, IReadOnlyList<string> Tokens);

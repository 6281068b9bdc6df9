namespace EdgeLLM.Server.Protocol;

/// <summary>Token counts of one request; cached_tokens: prompt tokens whose KV entries were reused.</summary>
public sealed record Usage(int PromptTokens, int CompletionTokens, int TotalTokens, PromptTokensDetails PromptTokensDetails);

public sealed record PromptTokensDetails(int CachedTokens);

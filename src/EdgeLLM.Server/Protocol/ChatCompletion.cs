using System.Text.Json.Serialization;

namespace EdgeLLM.Server.Protocol;

/// <summary>A non-streamed chat reply (object "chat.completion").</summary>
public sealed record ChatCompletion(string Id, string Object, long Created, string Model, IReadOnlyList<ChatChoice> Choices, Usage Usage)
{
    public string SystemFingerprint { get; init; } = "edgellm";
}

public sealed record ChatChoice(int Index, AssistantMessage Message, string FinishReason)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Logprobs { get; init; }
}

/// <summary>The assistant's message; reasoning_content only where the reply was split.</summary>
public sealed record AssistantMessage(string Role, string Content)
{
    public string? ReasoningContent { get; init; }
}

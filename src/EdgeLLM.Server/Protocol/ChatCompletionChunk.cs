using System.Text.Json.Serialization;

namespace EdgeLLM.Server.Protocol;

/// <summary>One streamed chat event (object "chat.completion.chunk"); the usage chunk has no choices.</summary>
public sealed record ChatCompletionChunk(string Id, string Object, long Created, string Model, IReadOnlyList<ChunkChoice> Choices)
{
    public Usage? Usage { get; init; }

    public string SystemFingerprint { get; init; } = "edgellm";
}

public sealed record ChunkChoice(int Index, ChunkDelta Delta)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? FinishReason { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Logprobs { get; init; }
}

public sealed record ChunkDelta
{
    public string? Role { get; init; }

    public string? Content { get; init; }

    public string? ReasoningContent { get; init; }
}

using System.Text.Json.Serialization;

namespace EdgeLLM.Server.Protocol;

/// <summary>A /v1/completions reply or streamed event (object "text_completion").</summary>
public sealed record TextCompletion(string Id, string Object, long Created, string Model, IReadOnlyList<TextChoice> Choices)
{
    public Usage? Usage { get; init; }
}

public sealed record TextChoice(int Index, string Text)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? FinishReason { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Logprobs { get; init; }
}

using System.Text.Json;

namespace EdgeLLM.Server.Protocol;

/// <summary>The body of POST /v1/completions: a raw prompt (a string, or a list holding one string).</summary>
public sealed class CompletionRequest : SamplingFields
{
    public string? Model { get; set; }

    public JsonElement Prompt { get; set; }
}

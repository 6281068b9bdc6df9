using System.Text.Json;

namespace EdgeLLM.Server.Protocol;

/// <summary>The body of POST /v1/chat/completions (OpenAI's fields EdgeLLM reads; others are ignored).</summary>
public sealed class ChatCompletionRequest : SamplingFields
{
    public string? Model { get; set; }

    public List<RequestMessage?>? Messages { get; set; }
}

/// <summary>One message of a chat request; <c>content</c> is a string, a list of text parts or null.</summary>
public sealed class RequestMessage
{
    public string? Role { get; set; }

    public JsonElement Content { get; set; }

    /// <summary>Reasoning an earlier assistant turn carried: read and dropped (the template leaves it out of the prompt).</summary>
    public JsonElement ReasoningContent { get; set; }
}

namespace EdgeLLM.Server.Engine;

/// <summary>The prompt leaves no room in the context for a reply (sent as 400 exceed_context_size_error).</summary>
public sealed class PromptTooLongException(int promptTokens, int contextLength)
    : Exception($"the request's prompt has {promptTokens} tokens, which leaves no room for a reply in the context of {contextLength} tokens; shorten the prompt or start the server with a larger context")
{
    public int PromptTokens { get; } = promptTokens;

    public int ContextLength { get; } = contextLength;
}

using EdgeLLM.Format;

namespace EdgeLLM.Runtime.Generation;

/// <summary>The KV cache cannot take more tokens: the conversation has reached the context length.</summary>
public sealed class ContextFullException : EdgeLlmException
{
    public ContextFullException(int position, int requested, int contextLength)
        : base($"context full: {position} tokens cached + {requested} new > {contextLength} (start a new chat or raise the context length)")
    {
        Position = position;
        Requested = requested;
        ContextLength = contextLength;
    }

    public int Position { get; }

    public int Requested { get; }

    public int ContextLength { get; }
}

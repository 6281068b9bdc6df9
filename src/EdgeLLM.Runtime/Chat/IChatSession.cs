using EdgeLLM.Format.Providers;

namespace EdgeLLM.Runtime.Chat;

/// <summary>
/// A conversation with one loaded model: what the text UI and the CLI drive. Implemented by
/// <c>ChatSession</c> (ONNX Runtime, tokenizer, the model's chat template, reasoning splitter).
/// </summary>
public interface IChatSession : IDisposable
{
    /// <summary>The model folder's name, e.g. "r1-distill-qwen-1.5b-int4".</summary>
    string ModelName { get; }

    /// <summary>"int4", "int8", "fp16", "fp32".</summary>
    string Precision { get; }

    /// <summary>"CPU", "DirectML", "CUDA".</summary>
    string ExecutionProvider { get; }

    /// <summary>The engine that runs the model: "cpu" (EdgeLLM's CPU engine) or "onnx" (ONNX Runtime).</summary>
    string Engine => "onnx";

    int Threads { get; }

    int ContextLength { get; }

    /// <summary>Tokens currently held for this conversation.</summary>
    int ContextUsed { get; }

    IReadOnlyList<ChatMessage> History { get; }

    /// <summary>
    /// Sends a user message and streams the reply; cancelling keeps what was produced (the reply then
    /// has StopReason Cancelled and is added to the history as far as it went).
    /// </summary>
    Task<ChatReply> SendAsync(string userMessage, ChatSettings settings, Action<ChatStreamEvent> onText, CancellationToken cancellation);

    /// <summary>Starts a new conversation (clears history and the KV cache).</summary>
    void Reset();
}

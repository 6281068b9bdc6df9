using EdgeLLM.Format.Providers;
using EdgeLLM.Runtime.Model;

namespace EdgeLLM.Runtime.Engines;

/// <summary>
/// The seam between the generation loop and what computes a decoder step: ONNX Runtime
/// (<see cref="ModelSession"/>) or EdgeLLM's own CPU engine (<c>Cpu.CpuEngine</c>). One KV cache of
/// <see cref="ContextLength"/> tokens per engine; <see cref="Position"/> is how many it holds.
/// Logits spans stay valid until the next call.
/// </summary>
public interface IDecoderEngine : IDisposable
{
    /// <summary>"cpu" (EdgeLLM's kernels) or "onnx" (ONNX Runtime): what <c>--engine</c> names.</summary>
    string Name { get; }

    /// <summary>One line for reports, e.g. "EdgeLLM CPU engine (AVX2, fp16 KV cache)".</summary>
    string Description { get; }

    /// <summary>The kernel instruction set the engine chose at load, or null where the engine does not say (ONNX Runtime).</summary>
    string? KernelIsa { get; }

    ExecutionProvider ExecutionProvider { get; }

    int Threads { get; }

    /// <summary>Prompt tokens per prefill run; 0 runs a prompt in one pass.</summary>
    int PrefillChunk { get; }

    /// <summary>Tokens the KV cache holds (the next token's position).</summary>
    int Position { get; }

    int ContextLength { get; }

    int VocabSize { get; }

    /// <summary>Bytes of the KV cache buffers.</summary>
    long KvCacheBytes { get; }

    /// <summary>Runs the prompt (or a later part of it) after the cached tokens; returns the last position's logits.</summary>
    ReadOnlySpan<float> Prefill(ReadOnlySpan<int> tokenIds);

    /// <summary>Feeds one token at <see cref="Position"/>; returns its logits. Allocates nothing.</summary>
    ReadOnlySpan<float> Decode(int tokenId);

    /// <summary>Forgets the cached tokens (the buffers stay allocated).</summary>
    void Reset();

    /// <summary>Keeps only the first <paramref name="position"/> cached tokens, so a prompt sharing that prefix reuses them.</summary>
    void Rewind(int position);

    /// <summary>Asks a run in progress (on another thread) to stop; it ends with <see cref="OperationCanceledException"/>.</summary>
    void RequestStop();

    /// <summary>Withdraws a stop request that arrived after the last run.</summary>
    void ClearStopRequest();
}

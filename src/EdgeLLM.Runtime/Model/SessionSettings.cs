using EdgeLLM.Format.Providers;
using EdgeLLM.Runtime.Engines;

namespace EdgeLLM.Runtime.Model;

/// <summary>How to open a model: threads, context, execution provider.</summary>
public sealed record SessionSettings
{
    /// <summary>Intra-op threads; 0 lets ONNX Runtime choose (one per physical core).</summary>
    public int Threads { get; init; }

    /// <summary>KV cache capacity in tokens; 0 uses the model's max_context from its manifest.</summary>
    public int ContextLength { get; init; }

    /// <summary>The provider to try first; CPU is the fallback and always present.</summary>
    public ExecutionProvider ExecutionProvider { get; init; } = ExecutionProvider.Cpu;

    /// <summary>The provider's device: the DXGI adapter index (DirectML) or the CUDA ordinal.</summary>
    public int DeviceId { get; init; }

    /// <summary>Prompt tokens per prefill run (bounds the activation arena); 0 feeds a prompt in one run.</summary>
    public int PrefillChunk { get; init; }

    /// <summary>Which engine runs the model (<c>--engine</c>).</summary>
    public EngineChoice Engine { get; init; }

    /// <summary>The CPU engine's KV cache element type (<c>--kv-cache</c>).</summary>
    public KvCachePrecision KvCache { get; init; }

    /// <summary>Re-hash every file against edgellm.json before loading (sizes are always checked).</summary>
    public bool VerifyChecksums { get; init; }
}

using EdgeLLM.Format;
using EdgeLLM.Runtime.Engines;

namespace EdgeLLM.Runtime.Benchmarking;

/// <summary>What <see cref="BenchmarkRunner"/> measures: prompt length, generated tokens, threads, repetitions.</summary>
public sealed record BenchmarkSettings
{
    /// <summary>Prompt tokens, processed in one pass (llama-bench's pp).</summary>
    public int PromptTokens { get; init; } = 128;

    /// <summary>Decode steps after the prompt, each timed (llama-bench's tg).</summary>
    public int GeneratedTokens { get; init; } = 64;

    /// <summary>Compute threads; 0 lets ONNX Runtime choose (one per physical core).</summary>
    public int Threads { get; init; }

    /// <summary>Measured repetitions, each with its own model load.</summary>
    public int Repetitions { get; init; } = 5;

    /// <summary>Untimed runs before the measured ones (the full prompt and one decode step: file cache and JIT warm); ignored with <see cref="Cold"/>.</summary>
    public int Warmups { get; init; } = 1;

    /// <summary>KV cache length; 0 sizes it to the prompt plus the generated tokens.</summary>
    public int ContextLength { get; init; }

    /// <summary>Drop the model files from the page cache before every load (a cold load each time).</summary>
    public bool Cold { get; init; }

    /// <summary>Which engine runs the model (<c>--engine</c>).</summary>
    public EngineChoice Engine { get; init; }

    /// <summary>The CPU engine's KV cache element type (<c>--kv-cache</c>).</summary>
    public KvCachePrecision KvCache { get; init; }

    /// <summary>Seed of the prompt token ids.</summary>
    public ulong PromptSeed { get; init; } = BenchmarkPrompt.DefaultSeed;

    /// <summary>The context a run needs: prompt, generated tokens and the first token sampled from the prompt.</summary>
    public int RequiredContext => PromptTokens + GeneratedTokens + 2;

    public void Validate()
    {
        if (PromptTokens < 1)
        {
            throw new EdgeLlmException($"prompt tokens must be 1 or more, got {PromptTokens}");
        }

        if (GeneratedTokens < 1)
        {
            throw new EdgeLlmException($"generated tokens must be 1 or more, got {GeneratedTokens}");
        }

        if (Threads < 0)
        {
            throw new EdgeLlmException($"threads must be 0 (automatic) or more, got {Threads}");
        }

        if (Repetitions < 1)
        {
            throw new EdgeLlmException($"repetitions must be 1 or more, got {Repetitions}");
        }

        if (Warmups < 0)
        {
            throw new EdgeLlmException($"warmup runs must be 0 or more, got {Warmups}");
        }

        if (ContextLength != 0 && ContextLength < RequiredContext)
        {
            throw new EdgeLlmException($"context {ContextLength} is too small for {PromptTokens} prompt and {GeneratedTokens} generated tokens (needs {RequiredContext})");
        }
    }
}

namespace EdgeLLM.Runtime.Generation;

/// <summary>The tokens a generation produced, why it stopped, and how fast it ran.</summary>
public sealed record GenerationResult
{
    public required IReadOnlyList<int> Tokens { get; init; }

    public required StopReason StopReason { get; init; }

    public required int PromptTokenCount { get; init; }

    /// <summary>Prompt processing time (one pass) in seconds.</summary>
    public required double PrefillSeconds { get; init; }

    /// <summary>Time from the start of the call to the first sampled token, in milliseconds.</summary>
    public required double TimeToFirstTokenMs { get; init; }

    /// <summary>Time spent in decode steps (tokens after the first), in seconds.</summary>
    public required double DecodeSeconds { get; init; }

    /// <summary>Time spent inside ONNX Runtime during decode steps, in seconds (the rest is loop overhead).</summary>
    public required double DecodeRunSeconds { get; init; }

    public double PrefillTokensPerSecond => PrefillSeconds > 0 ? PromptTokenCount / PrefillSeconds : 0;

    /// <summary>Share of decode time spent outside ONNX Runtime (sampling, stop checks, streaming), in percent.</summary>
    public double DecodeLoopOverheadPercent => DecodeSeconds > 0 ? Math.Max(0, DecodeSeconds - DecodeRunSeconds) / DecodeSeconds * 100 : 0;

    /// <summary>Decode speed: tokens after the first, per second of decode time.</summary>
    public double DecodeTokensPerSecond => DecodeSeconds > 0 && Tokens.Count > 1 ? (Tokens.Count - 1) / DecodeSeconds : 0;
}

namespace EdgeLLM.Runtime.Benchmarking;

/// <summary>Everything one <c>edgellm bench</c> run measured, with the model, settings and machine it ran on.</summary>
public sealed record BenchmarkRecord
{
    /// <summary>The model folder's name.</summary>
    public required string ModelName { get; init; }

    /// <summary>"int4", "int8", "fp16", "fp32".</summary>
    public required string Precision { get; init; }

    /// <summary>Bytes of all files in the model folder.</summary>
    public required long ModelBytes { get; init; }

    /// <summary>The engine that ran, e.g. "ONNX Runtime (Cpu)" or "EdgeLLM CPU engine (...)".</summary>
    public string Engine { get; init; } = string.Empty;

    /// <summary>The CPU engine's kernel instruction set, or null for ONNX Runtime.</summary>
    public string? KernelIsa { get; init; }

    public required BenchmarkSettings Settings { get; init; }

    /// <summary>How the page cache was dropped before each load (<see cref="PageCache.Method"/>), or null for warm loads.</summary>
    public string? ColdMethod { get; init; }

    public required BenchmarkMachine Machine { get; init; }

    public required IReadOnlyList<BenchmarkRepetition> Repetitions { get; init; }

    /// <summary>
    /// <c>bench --kernels</c>: the CPU engine's matrix–vector kernels on the 1.5B layer shapes (GB/s of weights streamed,
    /// to set beside <see cref="BenchmarkMachine.ReadBandwidthGBps"/>), or empty.
    /// </summary>
    public IReadOnlyList<Engines.Cpu.Kernels.KernelThroughputFigure> Kernels { get; init; } = [];

    public SampleSummary PromptTokensPerSecond => Summarise(repetition => repetition.PromptTokensPerSecond);

    public SampleSummary DecodeTokensPerSecond => Summarise(repetition => repetition.DecodeTokensPerSecond);

    public SampleSummary TimeToFirstTokenMs => Summarise(repetition => repetition.TimeToFirstTokenMs);

    public SampleSummary LoadMs => Summarise(repetition => repetition.LoadMs);

    public SampleSummary PeakResidentBytes => Summarise(repetition => repetition.PeakResidentBytes);

    public SampleSummary FileResidentBytes => Summarise(repetition => repetition.FileResidentBytes);

    public SampleSummary AnonymousResidentBytes => Summarise(repetition => repetition.AnonymousResidentBytes);

    private SampleSummary Summarise(Func<BenchmarkRepetition, double> metric) => SampleSummary.Of([.. Repetitions.Select(metric)]);
}

using System.Diagnostics;
using EdgeLLM.Format;
using EdgeLLM.Runtime.Diagnostics;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Model;
using EdgeLLM.Runtime.Sampling;

namespace EdgeLLM.Runtime.Benchmarking;

/// <summary>
/// Measures a model folder like llama-bench: per repetition a fresh load, the seeded prompt in one
/// pass, then <see cref="BenchmarkSettings.GeneratedTokens"/> greedy (argmax) decode steps with no
/// end-of-sequence stop, so every engine and every run does the same work.
/// </summary>
public static class BenchmarkRunner
{
    public static BenchmarkRecord Run(string modelFolder, BenchmarkSettings settings, BenchmarkMachine machine, Action<BenchmarkRepetition>? onRepetition = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        if (!Directory.Exists(modelFolder))
        {
            throw new DirectoryNotFoundException($"model folder '{modelFolder}' not found");
        }

        int[]? prompt = null;
        string precision = string.Empty;
        string engine = string.Empty;
        string? kernelIsa = null;
        int warmups = settings.Cold ? 0 : settings.Warmups;
        var repetitions = new List<BenchmarkRepetition>(settings.Repetitions);
        for (int run = 0; run < warmups + settings.Repetitions; run++)
        {
            cancellation.ThrowIfCancellationRequested();
            if (settings.Cold)
            {
                PageCache.Drop(modelFolder);
            }

            // A warm-up fills the file cache and JIT-compiles every path with the full prompt and one decode step.
            int generatedTokens = run < warmups ? 1 : settings.GeneratedTokens;
            BenchmarkRepetition repetition = RunOnce(modelFolder, settings, generatedTokens, ref prompt, ref precision, ref engine, ref kernelIsa, cancellation);
            if (run >= warmups)
            {
                repetitions.Add(repetition);
                onRepetition?.Invoke(repetition);
            }
        }

        return new BenchmarkRecord
        {
            ModelName = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(modelFolder))),
            Precision = precision,
            Engine = engine,
            KernelIsa = kernelIsa,
            ModelBytes = Directory.EnumerateFiles(modelFolder, "*", SearchOption.AllDirectories).Sum(path => new FileInfo(path).Length),
            Settings = settings,
            ColdMethod = settings.Cold ? PageCache.Method : null,
            Machine = machine,
            Repetitions = repetitions,
        };
    }

    private static BenchmarkRepetition RunOnce(string modelFolder, BenchmarkSettings settings, int generatedTokens, ref int[]? prompt, ref string precision, ref string engine, ref string? kernelIsa, CancellationToken cancellation)
    {
        ProcessMemory.ResetPeak();
        long loadStart = Stopwatch.GetTimestamp();
        using LoadedModel model = LoadedModel.Open(modelFolder, new SessionSettings
        {
            Threads = settings.Threads,
            ContextLength = settings.ContextLength > 0 ? settings.ContextLength : settings.RequiredContext,
            Engine = settings.Engine,
            KvCache = settings.KvCache,
        });
        double loadMs = Stopwatch.GetElapsedTime(loadStart).TotalMilliseconds;
        precision = model.Precision;
        engine = model.Engine.Description;
        kernelIsa = model.Engine.KernelIsa;
        prompt ??= BenchmarkPrompt.Create(model.Prompts.Tokenizer, settings.PromptTokens, settings.PromptSeed);

        // No end-of-sequence ids: exactly GeneratedTokens decode steps after the token the prompt gives.
        var generator = new Generator(model.Engine, endOfSequenceIds: []);
        var sampler = new Sampler(SamplingSettings.Greedy, model.Engine.VocabSize);
        GenerationResult result = generator.Generate(prompt, new GenerationRequest { MaxTokens = generatedTokens + 1 }, sampler, onToken: null, cancellation);
        if (result.StopReason == StopReason.Cancelled)
        {
            throw new OperationCanceledException("benchmark interrupted");
        }

        if (result.Tokens.Count != generatedTokens + 1)
        {
            throw new EdgeLlmException($"the run stopped after {result.Tokens.Count} of {generatedTokens + 1} tokens ({result.StopReason.ToJsonName()})");
        }

        return new BenchmarkRepetition(
            loadMs,
            result.PrefillTokensPerSecond,
            result.DecodeTokensPerSecond,
            result.TimeToFirstTokenMs,
            ProcessMemory.PeakResidentBytes())
        {
            FileResidentBytes = ProcessMemory.FileResidentBytes(),
            AnonymousResidentBytes = ProcessMemory.AnonymousResidentBytes(),
        };
    }
}

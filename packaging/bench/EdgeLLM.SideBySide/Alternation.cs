using System.Globalization;
using System.Text.Json;
using EdgeLLM.Runtime.Benchmarking;

namespace EdgeLLM.SideBySide;

/// <summary>
/// The side-by-side run: rounds of EdgeLLM, llama.cpp (LLamaSharp), ONNX Runtime GenAI and, when given,
/// a native llama-bench, each run in its own fresh process with the same threads, prompt and generated
/// tokens; per round the EdgeLLM ÷ llama.cpp ratios, then their medians. Alternating within a round
/// spreads the shared machine's noise over every engine alike.
/// </summary>
internal sealed class Alternation(AlternationSettings settings)
{
    public int Run(TextWriter output)
    {
        var rounds = new List<Dictionary<string, EngineMeasurement>>();
        for (int round = 1; round <= settings.Rounds; round++)
        {
            var measured = new Dictionary<string, EngineMeasurement>(StringComparer.Ordinal);
            foreach ((string engine, Func<EngineMeasurement> run) in Engines())
            {
                EngineMeasurement measurement = run();
                measured[engine] = measurement;
                output.WriteLine($"round {round} {measurement}");
            }

            rounds.Add(measured);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round} ratios edgellm/llama.cpp: decode {Ratio(measured, "llama.cpp", m => m.DecodeTokensPerSecond):F3} prompt {Ratio(measured, "llama.cpp", m => m.PromptTokensPerSecond):F3} rss {Ratio(measured, "llama.cpp", m => m.PeakResidentBytes):F3} ttft {Ratio(measured, "llama.cpp", m => m.TimeToFirstTokenMs):F3}"));
        }

        output.WriteLine();
        output.WriteLine($"medians over {rounds.Count} rounds ({settings.Threads} threads, {settings.PromptTokens} prompt tokens, {settings.GeneratedTokens} generated):");
        output.WriteLine($"| engine | build | decode t/s | prompt t/s | TTFT ms | load ms | peak RSS MiB |");
        output.WriteLine($"|---|---|---|---|---|---|---|");
        foreach (string engine in rounds[0].Keys)
        {
            double Median(Func<EngineMeasurement, double> metric) => SampleSummary.MedianOf([.. rounds.Select(round => metric(round[engine]))]);
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {engine} | {rounds[0][engine].Build} | {Median(m => m.DecodeTokensPerSecond):F2} | {Median(m => m.PromptTokensPerSecond):F2} | {Median(m => m.TimeToFirstTokenMs):F0} | {Median(m => m.LoadMs):F0} | {Median(m => m.PeakResidentBytes) / 1048576.0:F0} |"));
        }

        double MedianRatio(string other, Func<EngineMeasurement, double> metric) => SampleSummary.MedianOf([.. rounds.Select(round => Ratio(round, other, metric))]);
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"llama.cpp above is {rounds[0]["llama.cpp"].Build}"));
        if (rounds[0].ContainsKey("ort-genai"))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"genai_decode_ratio={MedianRatio("ort-genai", m => m.DecodeTokensPerSecond):F3} genai_prompt_ratio={MedianRatio("ort-genai", m => m.PromptTokensPerSecond):F3} (EdgeLLM ÷ ONNX Runtime GenAI 0.19 on the same graph)"));
        }

        if (rounds[0].ContainsKey("edgellm-onnx"))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"onnx_engine_decode_ratio={MedianRatio("edgellm-onnx", m => m.DecodeTokensPerSecond):F3} onnx_engine_prompt_ratio={MedianRatio("edgellm-onnx", m => m.PromptTokensPerSecond):F3} onnx_engine_rss_ratio={MedianRatio("edgellm-onnx", m => m.PeakResidentBytes):F3} (EdgeLLM --engine {settings.Engine} ÷ EdgeLLM --engine onnx on the same folder)"));
        }

        if (rounds[0].ContainsKey("llama-bench"))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"native_decode_ratio={MedianRatio("llama-bench", m => m.DecodeTokensPerSecond):F3} native_prompt_ratio={MedianRatio("llama-bench", m => m.PromptTokensPerSecond):F3} (EdgeLLM ÷ {rounds[0]["llama-bench"].Build})"));
        }

        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"decode_ratio={MedianRatio("llama.cpp", m => m.DecodeTokensPerSecond):F3} prompt_ratio={MedianRatio("llama.cpp", m => m.PromptTokensPerSecond):F3} rss_ratio={MedianRatio("llama.cpp", m => m.PeakResidentBytes):F3} ttft_ratio={MedianRatio("llama.cpp", m => m.TimeToFirstTokenMs):F3}"));
        return 0;
    }

    private static double Ratio(Dictionary<string, EngineMeasurement> round, string other, Func<EngineMeasurement, double> metric)
        => metric(round["edgellm"]) / metric(round[other]);

    private IEnumerable<(string Engine, Func<EngineMeasurement> Run)> Engines()
    {
        string threads = Invariant(settings.Threads);
        string prompt = Invariant(settings.PromptTokens);
        string generated = Invariant(settings.GeneratedTokens);
        EngineMeasurement EdgeLlmBench(string engine)
        {
            using JsonDocument record = ChildProcess.RunJson(
                ChildProcess.Command(settings.EdgeLlm),
                ["bench", "-m", settings.EdgeLlmModel, "--engine", engine, "--threads", threads, "--prompt-tokens", prompt, "--gen-tokens", generated, "--repetitions", "1", "--warmup", "1", "--no-bandwidth", "--json"]);
            return EngineMeasurement.FromEdgeLlmBench(record.RootElement);
        }

        yield return ("edgellm", () => EdgeLlmBench(settings.Engine));
        List<string> llamaArguments = ["llama-run", "--gguf", settings.Gguf, "--vocab-from", settings.EdgeLlmModel, "--threads", threads, "--prompt-tokens", prompt, "--gen-tokens", generated];
        if (settings.LibLlama is { } library)
        {
            llamaArguments.AddRange(["--libllama", library]);
        }

        yield return ("llama.cpp", () => Child(llamaArguments));
        if (settings.GenAi)
        {
            yield return ("ort-genai", () => Child(["genai-run", "--model", settings.EdgeLlmModel, "--threads", threads, "--prompt-tokens", prompt, "--gen-tokens", generated]));
        }

        if (settings.OnnxEngineToo)
        {
            yield return ("edgellm-onnx", () => EdgeLlmBench("onnx"));
        }

        if (settings.LlamaBench is { } llamaBench)
        {
            // At a depth the harness's prompt is the depth itself (decode runs after it); llama-bench gets it as -d.
            yield return ("llama-bench", () => settings.Depth > 0
                ? NativeLlamaBench.Run(llamaBench, settings.Gguf, settings.Threads, 0, settings.GeneratedTokens, settings.Depth)
                : NativeLlamaBench.Run(llamaBench, settings.Gguf, settings.Threads, settings.PromptTokens, settings.GeneratedTokens, 0));
        }
    }

    private static EngineMeasurement Child(IEnumerable<string> arguments)
    {
        using JsonDocument result = ChildProcess.RunJson(ChildProcess.Self(), arguments);
        return EngineMeasurement.FromJson(result.RootElement);
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>What <see cref="Alternation"/> compares and how.</summary>
internal sealed record AlternationSettings(
    string EdgeLlm,
    string EdgeLlmModel,
    string Gguf,
    int Rounds,
    int Threads,
    int PromptTokens,
    int GeneratedTokens,
    bool GenAi,
    string? LibLlama,
    string? LlamaBench,
    string Engine = "auto",
    bool OnnxEngineToo = false,
    int Depth = 0);

using EdgeLLM.Runtime.Benchmarking;
using EdgeLLM.Runtime.Engines;
using EdgeLLM.Text.Tokenization;
using LLama;
using LLama.Native;

namespace EdgeLLM.SideBySide;

/// <summary>
/// The side-by-side harness (never shipped): single measured runs of llama.cpp and ONNX Runtime GenAI
/// with the same prompt ids, timing and greedy decode as <c>edgellm bench</c>, the alternating
/// comparison, llama.cpp's own quantizer, and the KL divergence of quantized models against their own
/// full-precision versions.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: EdgeLLM.SideBySide alternate|llama-run|genai-run|quantize-gguf|quality --option value ...");
            return 2;
        }

        try
        {
            var options = new Arguments(args.Skip(1));
            return args[0] switch
            {
                "alternate" => Alternate(options),
                "llama-run" => LlamaRun(options),
                "genai-run" => GenAiRun(options),
                "quantize-gguf" => QuantizeGguf(options),
                "quality" => Quality(options),
                _ => throw new ArgumentException($"unknown verb '{args[0]}'"),
            };
        }
        catch (Exception exception) when (exception is EdgeLLM.Format.EdgeLlmException or ArgumentException or IOException or InvalidDataException or InvalidOperationException or FormatException)
        {
            Console.Error.WriteLine($"side-by-side {args[0]}: error: {exception.Message.ReplaceLineEndings(" ")}");
            return 1;
        }
    }

    private static int Alternate(Arguments options)
        => new Alternation(new AlternationSettings(
            options.Text("edgellm"),
            options.Text("edgellm-model"),
            options.Text("gguf"),
            options.Integer("rounds", 5),
            options.Integer("threads", 2),
            options.Integer("prompt-tokens", 128),
            options.Integer("gen-tokens", 64),
            !options.Flag("no-genai"),
            options.Optional("libllama"),
            options.Optional("llama-bench"),
            EngineNames.ParseEngine(options.Optional("engine") ?? "auto").Name(),
            options.Flag("onnx-engine-too"),
            options.Integer("depth", 0))).Run(Console.Out);

    private static int LlamaRun(Arguments options)
    {
        LlamaBackend.Configure(options.Optional("libllama"));
        int threads = options.Integer("threads", 2);
        int generated = options.Integer("gen-tokens", 64);
        int[] prompt = Prompt(options);
        string gguf = options.Text("gguf");
        EngineMeasurement measurement = SpeedMeasurement.Measure(
            "llama.cpp",
            LlamaBackend.Build,
            () => new LlamaSpeedEngine(gguf, threads, prompt.Length + generated + 2),
            prompt,
            generated,
            options.Integer("warmup", 1));
        Console.Out.WriteLine(measurement.ToJson());
        return 0;
    }

    private static int GenAiRun(Arguments options)
    {
        int threads = options.Integer("threads", 2);
        int generated = options.Integer("gen-tokens", 64);
        string model = options.Text("model");
        int[] prompt = BenchmarkPrompt.Create(TokenizerLoader.Load(model), options.Integer("prompt-tokens", 128));
        using var folder = new GenAiFolder(model, threads);
        EngineMeasurement measurement = SpeedMeasurement.Measure(
            "ort-genai",
            "ONNX Runtime GenAI 0.19.0 on the EdgeLLM graph",
            () => new GenAiSpeedEngine(folder.Path, prompt.Length + generated + 2),
            prompt,
            generated,
            options.Integer("warmup", 1));
        Console.Out.WriteLine(measurement.ToJson());
        return 0;
    }

    private static int QuantizeGguf(Arguments options)
    {
        LlamaBackend.Configure(options.Optional("libllama"));
        string type = options.Text("type").ToUpperInvariant();
        LLamaFtype ftype = Enum.TryParse($"MOSTLY_{type}", out LLamaFtype parsed) ? parsed : throw new ArgumentException($"unknown llama.cpp type '{type}'");
        string output = options.Text("output");
        string temporary = output + ".partial";
        // llama-quantize's defaults: output.weight quantized too (Q6_K in a Q4_K_M file), no requantizing. LLamaSharp's own
        // defaults leave output.weight in f16, which is not the file people download.
        if (!LLamaQuantizer.Quantize(options.Text("input"), temporary, ftype, options.Integer("threads", 2), allowRequantize: false, quantizeOutputTensor: true))
        {
            File.Delete(temporary);
            throw new InvalidOperationException($"llama_model_quantize to {type} failed");
        }

        File.Move(temporary, output, overwrite: true);
        Console.Out.WriteLine($"{output}: {type} by {LlamaBackend.Build}'s quantizer");
        return 0;
    }

    /// <summary>
    /// KL of EdgeLLM's quantized folder against its fp32 folder, and of each quantized GGUF against the
    /// f16 GGUF, on the same seeded token sequence.
    /// </summary>
    private static int Quality(Arguments options)
    {
        int threads = options.Integer("threads", 2);
        EngineChoice engine = EngineNames.ParseEngine(options.Optional("engine") ?? "auto");
        int[] ids = Prompt(options);
        var results = new List<QualityComparison>();
        if (options.Optional("edgellm-reference") is { } edgeReference)
        {
            float[][] reference = QualityComparison.EdgeLlmLogits(edgeReference, ids, threads, engine);
            foreach (string quantized in options.Text("edgellm-quantized").Split(','))
            {
                results.Add(QualityComparison.Compare($"EdgeLLM {Path.GetFileName(quantized)} vs fp32", reference, QualityComparison.EdgeLlmLogits(quantized, ids, threads, engine)));
                Console.Out.WriteLine(results[^1]);
            }
        }

        if (options.Optional("gguf-reference") is { } ggufReference)
        {
            LlamaBackend.Configure(options.Optional("libllama"));
            float[][] reference = QualityComparison.LlamaLogits(ggufReference, ids, threads);
            foreach (string quantized in options.Text("gguf-quantized").Split(','))
            {
                results.Add(QualityComparison.Compare($"llama.cpp {Path.GetFileName(quantized)} vs f16", reference, QualityComparison.LlamaLogits(quantized, ids, threads)));
                Console.Out.WriteLine(results[^1]);
            }

            Console.Out.WriteLine($"llama.cpp: {LlamaBackend.Build}");
        }

        return 0;
    }

    /// <summary>The seeded prompt ids <c>edgellm bench</c> uses, from the EdgeLLM folder's tokenizer (same vocabulary as the GGUF).</summary>
    private static int[] Prompt(Arguments options)
        => BenchmarkPrompt.Create(TokenizerLoader.Load(options.Text("vocab-from")), options.Integer("prompt-tokens", 128));
}

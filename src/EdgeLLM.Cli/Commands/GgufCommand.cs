using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Quantize.Gguf;

namespace EdgeLLM.Cli.Commands;

/// <summary>
/// <c>edgellm gguf export &lt;hf-dir&gt; -o &lt;file.gguf&gt; --type f16|q8_0|q4_0 [--force]</c>: writes a Hugging Face
/// checkpoint as one GGUF file for llama.cpp (what the side-by-side benchmark runs against).
/// </summary>
public static class GgufCommand
{
    public static Command Create()
    {
        var command = new Command("gguf", "GGUF files for llama.cpp.");
        var export = new Command("export", "Write a Hugging Face checkpoint folder (Llama, Qwen2, Qwen3) as one GGUF file llama.cpp loads.");
        var sourceArgument = new Argument<string>("hf-dir") { Description = "Checkpoint folder: config.json, model.safetensors (or its index and shards), tokenizer.json, tokenizer_config.json" };
        var outputOption = new Option<string>("--output", "-o") { Description = "Output .gguf file (must not exist unless --force)", Required = true };
        var typeOption = new Option<string>("--type")
        {
            Description = "Matrix type: f16; q8_0; q4_0 (output projection q8_0). Norms, biases and RoPE factors stay f32",
            HelpName = string.Join("|", GgufExportTypes.Names),
            DefaultValueFactory = _ => GgufExportType.F16.Name(),
        };
        var forceOption = new Option<bool>("--force") { Description = "Replace an existing output file" };
        export.Arguments.Add(sourceArgument);
        export.Options.Add(outputOption);
        export.Options.Add(typeOption);
        export.Options.Add(forceOption);
        export.SetAction(parse => CommandErrors.Run("gguf export", () =>
        {
            string source = parse.GetValue(sourceArgument)!;
            GgufExportType type = GgufExportTypes.Parse(parse.GetValue(typeOption)!);
            using var cancellation = new ConsoleCancellation();
            var clock = Stopwatch.StartNew();
            using CheckpointFolder checkpoint = CheckpointFolder.Open(source);
            GgufExportResult result = GgufExporter.Export(checkpoint, source, parse.GetValue(outputOption)!, type, parse.GetValue(forceOption), cancellation.Token);
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"gguf export: wrote {result.Path}: {checkpoint.Config.ModelType} {type.Name()}, {result.TensorCount} tensors, {result.ByteCount:N0} bytes, {clock.Elapsed.TotalSeconds:F1} s"));
            return 0;
        }));
        command.Subcommands.Add(export);
        return command;
    }
}

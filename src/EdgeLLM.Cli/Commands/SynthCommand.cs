using System.CommandLine;
using System.Globalization;
using EdgeLLM.Format;
using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Quantize.Synthetic;

namespace EdgeLLM.Cli.Commands;

/// <summary><c>edgellm synth</c>: writes a Hugging Face checkpoint of a named shape with synthetic (recipe) weights.</summary>
public static class SynthCommand
{
    public static Command Create()
    {
        var command = new Command("synth", "Write a checkpoint folder of a named shape with synthetic weights (for tests and benchmarks; not a language model).");
        var shapeOption = new Option<string>("--shape")
        {
            Description = $"Shape name: {string.Join(", ", SyntheticShapes.All.Select(shape => shape.Name))}",
            Required = true,
        };
        var tokenizerOption = new Option<string>("--tokenizer") { Description = "Folder with tokenizer.json (and tokenizer_config.json) to copy", Required = true };
        var outputOption = new Option<string>("--output", "-o") { Description = "Output folder (must not exist or be empty unless --force)", Required = true };
        // Checked in the action (not AcceptOnlyFromAmong) so a bad value is one error line, not a help page.
        var dtypeOption = new Option<string?>("--dtype") { Description = "Stored dtype: bf16, fp16 or fp32 (default: the shape's torch_dtype)", HelpName = "bf16|fp16|fp32" };
        var shardOption = new Option<int?>("--shard-mb") { Description = "Shard the safetensors at this many megabytes (10^6 bytes)" };
        var forceOption = new Option<bool>("--force") { Description = "Replace an existing non-empty output folder" };
        command.Options.Add(shapeOption);
        command.Options.Add(tokenizerOption);
        command.Options.Add(outputOption);
        command.Options.Add(dtypeOption);
        command.Options.Add(shardOption);
        command.Options.Add(forceOption);
        command.SetAction(parse => CommandErrors.Run("synth", () =>
        {
            var request = new SynthesisRequest
            {
                Shape = SyntheticShapes.Find(parse.GetValue(shapeOption)!),
                TokenizerFolder = parse.GetValue(tokenizerOption)!,
                OutputFolder = parse.GetValue(outputOption)!,
                DType = ParseDType(parse.GetValue(dtypeOption)),
                ShardMegabytes = parse.GetValue(shardOption),
                Force = parse.GetValue(forceOption),
            };
            // Ctrl-C, SIGTERM and SIGHUP unwind the run: the staged folder is removed, the lock released.
            using var cancellation = new ConsoleCancellation();
            SynthesisResult result = CheckpointSynthesizer.Synthesize(request, cancellation.Token);
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"synth: wrote {result.OutputFolder}: shape {request.Shape.Name}, {result.TensorCount} tensors, {result.TensorBytes:N0} bytes in {result.Files.Count} file(s), {result.Elapsed.TotalSeconds:F1} s"));
            Console.WriteLine("synth: the weights are SYNTHETIC (a deterministic recipe, not a trained model): use them for tests and benchmarks only");
            return 0;
        }));
        return command;
    }

    private static TensorDType? ParseDType(string? name) => name switch
    {
        null => null,
        "bf16" => TensorDType.BF16,
        "fp16" => TensorDType.F16,
        "fp32" => TensorDType.F32,
        _ => throw new EdgeLlmException($"--dtype '{name}' is not one of bf16, fp16, fp32"),
    };
}

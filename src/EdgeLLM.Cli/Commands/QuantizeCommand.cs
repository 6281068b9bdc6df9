using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Quantize.Conversion;

namespace EdgeLLM.Cli.Commands;

/// <summary>
/// <c>edgellm quantize &lt;hf-dir&gt; -o &lt;out-dir&gt;</c>: converts a Hugging Face checkpoint folder into an
/// EdgeLLM model folder (model.onnx + model.onnx.data, genai_config.json, tokenizer files, edgellm.json).
/// </summary>
public static class QuantizeCommand
{
    public static Command Create()
    {
        var command = new Command("quantize", "Convert a Hugging Face checkpoint folder (Llama, Qwen2, Qwen3) into an ONNX model folder.");
        var sourceArgument = new Argument<string>("hf-dir") { Description = "Checkpoint folder: config.json, model.safetensors (or its index and shards), tokenizer files" };
        var outputOption = new Option<string>("--output", "-o") { Description = "Output folder (must not exist or be empty unless --force)", Required = true };
        // Checked in the action (not AcceptOnlyFromAmong) so a bad value is one error line, not a help page.
        var precisionOption = new Option<string>("--precision")
        {
            Description = $"Weight precision: {string.Join(", ", WeightPrecisions.Names)}",
            HelpName = string.Join("|", WeightPrecisions.Names),
            DefaultValueFactory = _ => WeightPrecision.Fp32.Name(),
        };
        var maxContextOption = new Option<int>("--max-context")
        {
            Description = $"Longest context the model folder serves: RoPE cache rows and genai_config context_length (capped by the model's max_position_embeddings)",
            DefaultValueFactory = _ => ConversionOptions.DefaultMaxContext,
        };
        var logitsOption = new Option<string>("--logits")
        {
            Description = "all: logits for every input position; last: lm_head on the last position only, logits [batch, 1, vocab] (what generation needs; less work on long prompts)",
            HelpName = "all|last",
            DefaultValueFactory = _ => "all",
        };
        var forceOption = new Option<bool>("--force") { Description = "Replace an existing non-empty output folder" };
        command.Arguments.Add(sourceArgument);
        foreach (Option option in new Option[] { outputOption, precisionOption, maxContextOption, logitsOption, forceOption })
        {
            command.Options.Add(option);
        }

        command.SetAction(parse => CommandErrors.Run("quantize", () =>
        {
            string source = parse.GetValue(sourceArgument)!;
            var options = new ConversionOptions
            {
                Precision = WeightPrecisions.Parse(parse.GetValue(precisionOption)!),
                MaxContext = parse.GetValue(maxContextOption),
                LastPositionLogitsOnly = ParseLogits(parse.GetValue(logitsOption)!),
                Overwrite = parse.GetValue(forceOption),
                SourceFolder = source,
            };
            using var cancellation = new ConsoleCancellation();
            var clock = Stopwatch.StartNew();
            using ICheckpoint checkpoint = CheckpointFolder.Open(source);
            ConversionResult result = ModelConverter.Convert(checkpoint, parse.GetValue(outputOption)!, options, cancellation.Token);
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"quantize: wrote {result.OutputFolder}: {checkpoint.Config.ModelType} {options.Precision.Name()}, context {result.ContextLength}, logits {(options.LastPositionLogitsOnly ? "last" : "all")}, {result.WeightBytes:N0} bytes of weights, {clock.Elapsed.TotalSeconds:F1} s"));
            return 0;
        }));
        return command;
    }

    private static bool ParseLogits(string value) => value switch
    {
        "all" => false,
        "last" => true,
        _ => throw new ArgumentException($"--logits must be 'all' or 'last', got '{value}'"),
    };
}

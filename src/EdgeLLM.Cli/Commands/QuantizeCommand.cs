using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using EdgeLLM.Format;
using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Cli.Calibration;
using EdgeLLM.Quantize.Architectures;
using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Quantize.Conversion;
using EdgeLLM.Quantize.Gguf;
using EdgeLLM.Quantize.Quantizers;

namespace EdgeLLM.Cli.Commands;

/// <summary>
/// <c>edgellm quantize &lt;hf-dir|file.gguf&gt; -o &lt;out-dir&gt;</c>: converts a Hugging Face checkpoint folder, or
/// imports a GGUF file (detected by its magic), into an EdgeLLM model folder (model.onnx + model.onnx.data, genai_config.json, tokenizer files, edgellm.json).
/// </summary>
public static class QuantizeCommand
{
    public static Command Create()
    {
        var command = new Command("quantize", "Convert a Hugging Face checkpoint folder (Llama, Qwen2, Qwen3) into an ONNX model folder.");
        var sourceArgument = new Argument<string>("hf-dir") { Description = "Checkpoint folder (config.json, model.safetensors or its index and shards, tokenizer files), or a GGUF file (llama, qwen2, qwen3) to import" };
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
            Description = "last: lm_head on the last position only, logits [batch, 1, vocab] (what generation needs; lm_head is ~15% of a 1.5B model's prompt work); all: logits for every input position (teacher-forced quality measurements)",
            HelpName = "last|all",
            DefaultValueFactory = _ => "last",
        };
        var forceOption = new Option<bool>("--force") { Description = "Replace an existing non-empty output folder" };
        var targetOption = new Option<string>("--target")
        {
            Description = "Execution provider the graph is shaped for: cpu, or dml (DirectML: fp16 inputs and outputs, separate q/k/v and RotaryEmbedding, accuracy_level 0)",
            HelpName = "cpu|dml",
            DefaultValueFactory = _ => "cpu",
        };
        var defaults = new QuantizationSettings();
        var blockSizeOption = new Option<int>("--block-size")
        {
            Description = "int4/int8: weights per scale along the input features (16, 32, 64, 128 or 256)",
            DefaultValueFactory = _ => defaults.BlockSize,
        };
        var mlpBlockSizeOption = new Option<int?>("--mlp-block-size")
        {
            Description = "int4/int8: block size of the MLP projections (gate, up, down), 16..256 [default: --block-size]",
        };
        var lmHeadBlockSizeOption = new Option<int?>("--lm-head-block-size")
        {
            Description = $"int4/int8: block size of lm_head (and a tied embedding), 16..256 [default: {QuantizationSettings.Int8LmHeadBlockSize} for an int8 lm_head, --block-size for int4]",
        };
        var symmetricOption = new Option<bool>("--symmetric") { Description = "int4/int8: no zero points (the default; ONNX Runtime's fastest kernels)" };
        var asymmetricOption = new Option<bool>("--asymmetric") { Description = "int4/int8: a zero point per block where it lowers the error" };
        var lmHeadOption = new Option<string>("--lm-head")
        {
            Description = "int4/int8: how lm_head (and a tied embedding) is stored; an untied int4 lm_head gets GPTQ rounding when the decoder does",
            HelpName = "int8|int4|fp32",
            DefaultValueFactory = _ => QuantizationSettings.Name(defaults.LmHead),
        };
        var embeddingsOption = new Option<string>("--embeddings")
        {
            Description = "int4/int8: how an untied token embedding is stored (fp32 Gather, or int8/int4 read by GatherBlockQuantized); a tied one follows --lm-head",
            HelpName = "fp32|int8|int4",
            DefaultValueFactory = _ => QuantizationSettings.Name(defaults.Embeddings),
        };
        var accuracyLevelOption = new Option<int>("--accuracy-level")
        {
            Description = "int4/int8: MatMulNBits compute: 4 int8 activations (fast on CPU, needed for fast int8), 1 fp32, 0 unset",
            HelpName = "0|1|4",
            DefaultValueFactory = _ => defaults.AccuracyLevel,
        };
        var scalesOption = new Option<string>("--scales")
        {
            Description = "int4/int8: search (error-minimising clipping per block) or rtn (round-to-nearest as ONNX Runtime's quantizer)",
            HelpName = "search|rtn",
            DefaultValueFactory = _ => "search",
        };
        var recipeOption = new Option<string>("--recipe")
        {
            Description = "int4: uniform (every decoder layer at --block-size) or mixed (8 bits for q/k/v and the down projection in the layers llama.cpp's Q4_K_M gives more bits)",
            HelpName = "uniform|mixed",
            DefaultValueFactory = _ => QuantizationSettings.Name(defaults.Recipe),
        };
        var scaleTypeOption = new Option<string>("--scale-type")
        {
            Description = "int4/int8: how the decoder layers' scales are stored: fp16 (the default: 4.5 instead of 5.0 bits per weight at int4 block 32; the CPU engine reads them as they are, the graph casts them to float for ONNX Runtime) or fp32",
            HelpName = "fp16|fp32",
            DefaultValueFactory = _ => "fp16",
        };
        var calibrationOption = new Option<string?>("--calibration")
        {
            Description = "int4/int8: weight each scale search by the input channels' mean squared activation over a text run through the model (llama.cpp's importance matrix): the built-in text (a few KB of English, code and math) when no file is given, or this UTF-8 file [default: " + (CalibrateByDefault ? "the built-in text" : "off") + "]",
            HelpName = "text-file",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var noCalibrationOption = new Option<bool>("--no-calibration") { Description = "int4/int8: no calibration run: an unweighted scale search and no GPTQ (the fastest conversion)" };
        var gptqOption = new Option<bool>("--gptq")
        {
            Description = "int4/int8: GPTQ rounding on every decoder weight, the down projection's included (by default it covers q|k|v, o_proj and gate/up: each weight's rounding error is taken off the later weights of its row in proportion to how their inputs correlate over the calibration text). Implies --calibration; costs memory and time that grow with the intermediate size squared",
        };
        var noGptqOption = new Option<bool>("--no-gptq") { Description = "int4/int8: no GPTQ rounding; the calibration text still weights the scale search" };
        var quietOption = new Option<bool>("--quiet", "-q") { Description = "No progress bar (it is never shown when stdout is not a terminal)" };
        command.Arguments.Add(sourceArgument);
        foreach (Option option in new Option[] { outputOption, precisionOption, maxContextOption, logitsOption, forceOption, targetOption, blockSizeOption, mlpBlockSizeOption, lmHeadBlockSizeOption, symmetricOption, asymmetricOption, lmHeadOption, embeddingsOption, accuracyLevelOption, scalesOption, recipeOption, scaleTypeOption, calibrationOption, noCalibrationOption, gptqOption, noGptqOption, quietOption })
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
                Quantization = ParseQuantization(
                    parse.GetValue(blockSizeOption),
                    parse.GetValue(mlpBlockSizeOption),
                    parse.GetValue(lmHeadBlockSizeOption),
                    parse.GetValue(symmetricOption),
                    parse.GetValue(asymmetricOption),
                    parse.GetValue(lmHeadOption)!,
                    parse.GetValue(embeddingsOption)!,
                    parse.GetValue(accuracyLevelOption),
                    parse.GetValue(scalesOption)!,
                    parse.GetValue(recipeOption)!) with { HalfScales = ParseScaleType(parse.GetValue(scaleTypeOption)!) },
                SourceFolder = source,
                Target = GraphTargets.Parse(parse.GetValue(targetOption)!),
            };
            bool gguf = File.Exists(source); // a folder is a checkpoint; a file is read as GGUF (a bad magic is its error)
            bool gptqEverywhere = parse.GetValue(gptqOption);
            bool noGptq = parse.GetValue(noGptqOption);
            if (gptqEverywhere && noGptq)
            {
                throw new EdgeLlmException("--gptq and --no-gptq exclude each other");
            }

            CalibrationText? calibrationText = ParseCalibration(parse.GetResult(calibrationOption) is not null || gptqEverywhere, parse.GetValue(calibrationOption), parse.GetValue(noCalibrationOption), options.Precision, gguf, gptqEverywhere);
            using var cancellation = new ConsoleCancellation();
            var clock = Stopwatch.StartNew();
            if (!gguf)
            {
                RefuseWithoutTokenizer(source);
            }

            using ICheckpoint checkpoint = gguf ? GgufCheckpoint.Open(source) : CheckpointFolder.Open(source);
            if (calibrationText is not null)
            {
                // A 4-bit lm_head gets GPTQ rounding when the decoder does (on the tiny fixtures −6 to −25 % mean KL against
                // its weighted search alone); the int8 one keeps the weighted search, which GPTQ does not measurably improve.
                GptqInputs gptq = noGptq ? GptqInputs.None : gptqEverywhere ? GptqInputs.All : GptqInputs.AllButDown;
                bool lmHeadGptq = gptq != GptqInputs.None && options.Quantization.LmHeadOptions is { Bits: 4 };
                gptq = CovariancesThatFit(checkpoint.Config, gptq, lmHeadGptq, explicitly: gptqEverywhere);
                lmHeadGptq &= gptq != GptqInputs.None;
                options = options with { Calibration = CalibrationPass.For(checkpoint, source, calibrationText, threads: 0, gptq, lmHeadGptq) };
            }

            string output = parse.GetValue(outputOption)!;
            ConversionResult result = TerminalProgressBar.Run<ConversionProgress, ConversionResult>(
                parse.GetValue(quietOption),
                gguf ? "importing GGUF" : "reading checkpoint",
                value => (value.TensorName, value.BytesDone, value.BytesTotal),
                progress => gguf
                    ? GgufImporter.Import((GgufCheckpoint)checkpoint, output, options with { Progress = progress }, cancellation.Token)
                    : ModelConverter.Convert(checkpoint, output, options with { Progress = progress }, cancellation.Token));
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"quantize: wrote {result.OutputFolder}: {checkpoint.Config.ModelType} {options.Precision.Name()}, context {result.ContextLength}, logits {(options.LastPositionLogitsOnly ? "last" : "all")}, {result.WeightBytes:N0} bytes of weights, {clock.Elapsed.TotalSeconds:F1} s"));
            if (result.QuantizedTensors.Count > 0)
            {
                Console.WriteLine($"quantize: {QuantizationReport.Of(result.QuantizedTensors)}");
                Console.WriteLine($"quantize: {BitsPerWeight.Of(result.QuantizedTensors, BitsPerWeight.ScaleBytes(options.Target), result.WeightBytes, checkpoint.Config)}");
            }

            if (result.Importance is { } importance)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"quantize: scale search of {importance.WeightedCount} weights weighted by activation importance{(importance.FeedbackCount > 0 ? $", GPTQ rounding on {importance.FeedbackCount} of them," : string.Empty)} from {importance.TokenCount} tokens of the {(importance.Source == CalibrationText.BuiltInSource ? "built-in calibration text" : $"calibration text {importance.Source}")}"));
            }

            if (checkpoint.Config.Yarn is { } yarn)
            {
                Console.WriteLine(YarnSummary(yarn));
            }

            return 0;
        }));
        return command;
    }

    /// <summary>Whether int4/int8 conversions of a checkpoint folder run the built-in calibration text unless --no-calibration.</summary>
    public const bool CalibrateByDefault = true;

    /// <summary>
    /// The calibration text to run, or null: <c>--calibration</c> alone is the built-in text, <c>--calibration F</c> the file
    /// (read now, so a bad file fails before any work); without either the built-in text when <see cref="CalibrateByDefault"/>;
    /// none with --no-calibration, for fp32/fp16 or for a GGUF import.
    /// </summary>
    private static CalibrationText? ParseCalibration(bool given, string? file, bool noCalibration, WeightPrecision precision, bool gguf, bool gptq)
    {
        string option = gptq ? "--gptq" : "--calibration";
        if (given && noCalibration)
        {
            throw new EdgeLlmException($"{option} and --no-calibration exclude each other");
        }

        if (given && (precision.QuantizedBits() is null || gguf))
        {
            throw new EdgeLlmException(gguf ? $"{option} applies to checkpoint folders, not GGUF imports" : $"{option} applies to --precision int4 or int8");
        }

        if (given)
        {
            return file is null ? CalibrationText.BuiltIn() : CalibrationText.Load(file);
        }

        return CalibrateByDefault && !noCalibration && !gguf && precision.QuantizedBits() is not null ? CalibrationText.BuiltIn() : null;
    }

    /// <summary>
    /// GPTQ keeps each of its inputs' E[x·xᵀ] (a packed float triangle per input and layer, and a 4-bit lm_head's) until the weights are
    /// quantized. When that takes over half the memory, <c>--gptq</c> is refused; the default GPTQ inputs are dropped with
    /// one line saying so, and the calibration text still weights the scale search.
    /// </summary>
    private static GptqInputs CovariancesThatFit(ModelConfig config, GptqInputs gptq, bool lmHeadGptq, bool explicitly)
    {
        long needed = ActivationImportanceObserver.CovarianceBytes(config, gptq, lmHeadGptq);
        long memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (needed <= memory / 2)
        {
            return gptq;
        }

        string shape = string.Create(CultureInfo.InvariantCulture, $"{needed / 1e9:F1} GB for the input covariances of {config.LayerCount} layers (hidden {config.HiddenSize}, intermediate {config.IntermediateSize}) and this machine has {memory / 1e9:F1} GB");
        if (explicitly)
        {
            throw new EdgeLlmException($"--gptq needs {shape}: leave --gptq out (GPTQ then covers q|k|v, o_proj and gate/up) or use --no-gptq");
        }

        Console.WriteLine($"quantize: no GPTQ rounding: it needs {shape}; the calibration text weights the scale search");
        return GptqInputs.None;
    }

    private static QuantizationSettings ParseQuantization(int blockSize, int? mlpBlockSize, int? lmHeadBlockSize, bool symmetric, bool asymmetric, string lmHead, string embeddings, int accuracyLevel, string scales, string recipe)
    {
        if (symmetric && asymmetric)
        {
            throw new EdgeLlmException("--symmetric and --asymmetric exclude each other");
        }

        foreach ((string option, int? size) in new[] { ("--block-size", (int?)blockSize), ("--mlp-block-size", mlpBlockSize), ("--lm-head-block-size", lmHeadBlockSize) })
        {
            if (size is { } value && !BlockQuantizationOptions.IsSupportedBlockSize(value))
            {
                throw new EdgeLlmException($"{option} must be {BlockQuantizationOptions.SupportedBlockSizes}, not {value}");
            }
        }

        var settings = new QuantizationSettings
        {
            BlockSize = blockSize,
            MlpBlockSize = mlpBlockSize,
            LmHeadBlockSize = lmHeadBlockSize,
            Asymmetric = asymmetric,
            LmHead = QuantizationSettings.ParseLmHead(lmHead),
            Embeddings = QuantizationSettings.ParseLmHead(embeddings, "--embeddings"),
            AccuracyLevel = accuracyLevel,
            Recipe = QuantizationSettings.ParseRecipe(recipe),
            ScaleChoice = scales switch
            {
                "search" => ScaleChoice.Search,
                "rtn" => ScaleChoice.RoundToNearest,
                _ => throw new EdgeLlmException($"--scales must be 'search' or 'rtn', got '{scales}'"),
            },
        };
        settings.Validate();
        return settings;
    }

    /// <summary>A folder without tokenizer.json would convert into a model folder that cannot generate: refused before any output.</summary>
    private static void RefuseWithoutTokenizer(string source)
    {
        if (Directory.Exists(source) && !File.Exists(Path.Combine(source, "tokenizer.json")))
        {
            throw new FileNotFoundException($"{Path.Combine(source, "tokenizer.json")}: missing; a model folder without it cannot generate (copy the model's tokenizer files beside config.json)");
        }
    }

    /// <summary>The summary line of a YaRN model: the scaling used and, when the config has it, that attn_factor is not applied.</summary>
    internal static string YarnSummary(YarnRopeScaling yarn) => string.Create(
        CultureInfo.InvariantCulture,
        $"quantize: YaRN RoPE factor {yarn.Factor:G6} from {yarn.OriginalMaxPositionEmbeddings} positions, cos/sin scaled by {yarn.AttentionFactor:G6} (transformers' attention factor)")
        + (yarn.IgnoredAttnFactor is { } ignored
            ? string.Create(CultureInfo.InvariantCulture, $"; rope_scaling.attn_factor {ignored:G6} is not applied (transformers and llama.cpp ignore it; vLLM would multiply it in)")
            : string.Empty);

    private static bool ParseScaleType(string value) => value switch
    {
        "fp32" => false,
        "fp16" => true,
        _ => throw new EdgeLlmException($"--scale-type must be 'fp32' or 'fp16', got '{value}'"),
    };

    private static bool ParseLogits(string value) => value switch
    {
        "all" => false,
        "last" => true,
        _ => throw new EdgeLlmException($"--logits must be 'all' or 'last', got '{value}'"),
    };
}

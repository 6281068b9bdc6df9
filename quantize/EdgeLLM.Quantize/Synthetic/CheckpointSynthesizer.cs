using System.Diagnostics;
using EdgeLLM.Format.Files;
using EdgeLLM.Format;
using EdgeLLM.Quantize.Checkpoints;

namespace EdgeLLM.Quantize.Synthetic;

/// <summary>
/// Writes a Hugging Face checkpoint folder whose weights come from <see cref="WeightRecipe"/>:
/// config.json (+ generation_config.json), safetensors (streamed one tensor at a time, sharded when
/// asked) and the tokenizer files. Everything goes into a temporary folder beside the output that is
/// renamed into place at the end, so a failure or Ctrl-C never leaves a folder that looks valid.
/// </summary>
public static class CheckpointSynthesizer
{
    public const string ConfigFileName = "config.json";

    /// <summary>The file that marks a folder as synth's output, so --force may replace it (and nothing else).</summary>
    public const string MarkerFileName = "edgellm-synthetic.txt";
    public const string GenerationConfigFileName = "generation_config.json";
    public const string TokenizerFileName = "tokenizer.json";

    /// <summary>Tokenizer files copied when present (tokenizer.json is required).</summary>
    public static IReadOnlyList<string> TokenizerFiles { get; } = [TokenizerFileName, "tokenizer_config.json", "special_tokens_map.json"];

    public static SynthesisResult Synthesize(SynthesisRequest request, CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        SyntheticShape shape = request.Shape;
        string tokenizerFolder = Path.GetFullPath(request.TokenizerFolder);
        if (!File.Exists(Path.Combine(tokenizerFolder, TokenizerFileName)))
        {
            throw new FileNotFoundException($"tokenizer folder '{request.TokenizerFolder}' has no {TokenizerFileName}", Path.Combine(tokenizerFolder, TokenizerFileName));
        }

        if (request.ShardMegabytes is <= 0)
        {
            throw new EdgeLlmException($"shard size must be a positive number of megabytes, got {request.ShardMegabytes}");
        }

        using StagedFolder staged = StagedFolder.Create(request.OutputFolder, request.Force, [tokenizerFolder], MarkerFileName);
        string output = staged.OutputFolder;
        string temporary = staged.Path;
        ModelConfig config = shape.Config;
        TensorDType dtype = request.DType ?? shape.DefaultDType;
        long? shardBytes = request.ShardMegabytes is int megabytes ? megabytes * 1_000_000L : shape.ShardBytes;
        IReadOnlyList<(string Name, long[] Shape)> tensors = HuggingFaceLayout.Tensors(config);

        File.WriteAllText(Path.Combine(temporary, MarkerFileName), $"Written by 'edgellm synth --shape {shape.Name}': SYNTHETIC weights (a deterministic recipe), not a language model. 'edgellm synth --force' may replace this folder.\n");
        File.WriteAllText(Path.Combine(temporary, ConfigFileName), ConfigText(shape, dtype));
        if (shape.GenerationConfigJson is not null)
        {
            File.WriteAllText(Path.Combine(temporary, GenerationConfigFileName), shape.GenerationConfigJson);
        }

        using var source = new SyntheticCheckpoint(config, dtype);
        IReadOnlyList<string> written = SafetensorsWriter.Write(source, tensors, dtype, temporary, shardBytes, cancellation);
        CopyTokenizer(tokenizerFolder, temporary, copyGenerationConfig: shape.GenerationConfigJson is null);
        cancellation.ThrowIfCancellationRequested();
        staged.Commit();
        long tensorBytes = tensors.Sum(tensor => SafetensorsEntry.ElementCount(tensor.Shape) * dtype.ByteSize());
        IReadOnlyList<string> files = written.Select(path => Path.Combine(output, Path.GetFileName(path))).ToArray();
        return new SynthesisResult(output, tensors.Count, tensorBytes, files, clock.Elapsed);
    }

    /// <summary>The shape's config.json text with torch_dtype naming the stored dtype.</summary>
    public static string ConfigText(SyntheticShape shape, TensorDType dtype)
    {
        if (dtype == shape.DefaultDType)
        {
            return shape.ConfigJson;
        }

        string from = $"\"torch_dtype\": \"{shape.Config.TorchDtype}\"";
        string to = $"\"torch_dtype\": \"{TorchName(dtype)}\"";
        return shape.ConfigJson.Contains(from, StringComparison.Ordinal)
            ? shape.ConfigJson.Replace(from, to, StringComparison.Ordinal)
            : throw new InvalidOperationException($"shape '{shape.Name}': config.json has no {from} to rewrite");
    }

    private static string TorchName(TensorDType dtype) => dtype switch
    {
        TensorDType.F32 => "float32",
        TensorDType.F16 => "float16",
        _ => "bfloat16",
    };

    private static void CopyTokenizer(string tokenizerFolder, string destination, bool copyGenerationConfig)
    {
        IEnumerable<string> names = copyGenerationConfig ? TokenizerFiles.Append(GenerationConfigFileName) : TokenizerFiles;
        foreach (string name in names)
        {
            string path = Path.Combine(tokenizerFolder, name);
            if (File.Exists(path))
            {
                File.Copy(path, Path.Combine(destination, name));
            }
        }
    }
}

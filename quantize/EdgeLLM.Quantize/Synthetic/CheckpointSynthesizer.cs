using System.Diagnostics;
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
            throw new ArgumentException($"shard size must be a positive number of megabytes, got {request.ShardMegabytes}");
        }

        string output = Path.GetFullPath(request.OutputFolder);
        CheckOutput(output, request.Force);
        ModelConfig config = shape.Config;
        TensorDType dtype = request.DType ?? shape.DefaultDType;
        long? shardBytes = request.ShardMegabytes is int megabytes ? megabytes * 1_000_000L : shape.ShardBytes;
        IReadOnlyList<(string Name, long[] Shape)> tensors = HuggingFaceLayout.Tensors(config);

        string temporary = CreateTemporaryBeside(output);
        try
        {
            File.WriteAllText(Path.Combine(temporary, ConfigFileName), ConfigText(shape, dtype));
            if (shape.GenerationConfigJson is not null)
            {
                File.WriteAllText(Path.Combine(temporary, GenerationConfigFileName), shape.GenerationConfigJson);
            }

            using var source = new SyntheticCheckpoint(config, dtype);
            IReadOnlyList<string> written = SafetensorsWriter.Write(source, tensors, dtype, temporary, shardBytes, cancellation);
            CopyTokenizer(tokenizerFolder, temporary, copyGenerationConfig: shape.GenerationConfigJson is null);
            cancellation.ThrowIfCancellationRequested();
            MoveIntoPlace(temporary, output);
            long tensorBytes = tensors.Sum(tensor => SafetensorsEntry.ElementCount(tensor.Shape) * dtype.ByteSize());
            IReadOnlyList<string> files = written.Select(path => Path.Combine(output, Path.GetFileName(path))).ToArray();
            return new SynthesisResult(output, tensors.Count, tensorBytes, files, clock.Elapsed);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
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

    private static void CheckOutput(string output, bool force)
    {
        if (File.Exists(output))
        {
            throw new IOException($"output '{output}' is a file, not a folder");
        }

        if (Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any() && !force)
        {
            throw new IOException($"output folder '{output}' exists and is not empty (use --force to replace it)");
        }
    }

    private static string CreateTemporaryBeside(string output)
    {
        string parent = Path.GetDirectoryName(output) ?? throw new IOException($"output folder '{output}' has no parent folder");
        string temporary = Path.Combine(parent, $".{Path.GetFileName(output)}.synth-{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(temporary);
            return temporary;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"cannot write output folder '{output}': {exception.Message}", exception);
        }
    }

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

    private static void MoveIntoPlace(string temporary, string output)
    {
        if (Directory.Exists(output))
        {
            Directory.Delete(output, recursive: true);
        }

        Directory.Move(temporary, output);
    }

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Best effort: the original failure is what the caller needs to see.
        }
    }
}

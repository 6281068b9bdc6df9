using System.Globalization;
using EdgeLLM.Format.Files;
using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Format;
using EdgeLLM.Quantize.Architectures;
using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Quantize.Onnx;
using EdgeLLM.Quantize.Onnx.Proto;
using EdgeLLM.Quantize.Quantizers;
using Google.Protobuf;

namespace EdgeLLM.Quantize.Conversion;

/// <summary>
/// Checkpoint → model folder: <c>model.onnx</c> (graph only), <c>model.onnx.data</c> (every weight,
/// aligned), <c>genai_config.json</c>, the tokenizer files of the source folder, and <c>edgellm.json</c>.
/// Everything is written into a hidden temporary folder beside the output and renamed into place at the
/// end, so a failed or interrupted conversion never leaves a folder that looks valid.
/// </summary>
public static class ModelConverter
{
    public const string ModelFileName = "model.onnx";
    public const string DataFileName = "model.onnx.data";

    /// <summary>Files copied from the source folder when present.</summary>
    public static IReadOnlyList<string> TokenizerFiles { get; } =
        ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "generation_config.json"];

    public static ConversionResult Convert(ICheckpoint checkpoint, string outputFolder, ConversionOptions options, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxContext < 1)
        {
            throw new EdgeLlmException($"max context must be at least 1, got {options.MaxContext}");
        }

        options = ForTarget(options);
        ModelConfig config = checkpoint.Config;
        int contextLength = Math.Min(options.MaxContext, config.MaxPositionEmbeddings);
        bool fusedRotary = DecoderGraph.UsesFusedRotary(config, options.Rotary);
        using StagedFolder staged = StagedFolder.Create(outputFolder, options.Overwrite, options.SourceFolder is { } sourceFolder ? [sourceFolder] : [], ModelManifest.FileName);
        string temporary = staged.Path;
        var files = new List<OutputFile>();
        var graphOptions = new DecoderGraphOptions(contextLength, options.LastPositionLogitsOnly, options.Rotary, options.Target);
        ChannelImportance? importance = options.Precision.QuantizedBits() is null ? null : options.Importance ?? Calibrate(options.Calibration, temporary, options.Progress, cancellation);
        ILinearWeightEncoder encoder = LinearWeightEncoders.Create(options.Precision, options.Quantization, config.TieWordEmbeddings, graphOptions.ActivationType, config.LayerCount, importance);
        if (checkpoint is Gguf.GgufCheckpoint)
        {
            // ggml blocks go into MatMulNBits as stored; the asked precision covers the rest.
            encoder = new GgufBlockLinearEncoder(encoder, options.Quantization.AccuracyLevel, graphOptions.ActivationType);
        }

        long weightBytes = WriteModel(checkpoint, temporary, encoder, graphOptions, files, options.Progress, cancellation);
        files.Add(WriteFile(temporary, GenAiConfig.FileName, stream => GenAiConfigWriter.Write(stream, GenAi(config), contextLength, ModelFileName)));
        if (options.SourceFolder is { } source)
        {
            foreach (string name in TokenizerFiles)
            {
                string from = Path.Combine(source, name);
                if (File.Exists(from))
                {
                    // Copied by content, not File.Copy: the output files get fresh permissions (a read-only source stays read-only only there).
                    using FileStream input = File.OpenRead(from);
                    files.Add(WriteFile(temporary, name, input.CopyTo));
                }
            }
        }

        foreach ((string name, byte[] content) in options.GeneratedFiles)
        {
            files.Add(WriteFile(temporary, name, stream => stream.Write(content)));
        }

        cancellation.ThrowIfCancellationRequested();
        string? sourcePath = options.SourceFile ?? options.SourceFolder;
        var manifest = new ConversionManifest(config, sourcePath is null ? null : Path.GetFullPath(sourcePath),
            encoder.Precision, contextLength, options.LastPositionLogitsOnly, fusedRotary, weightBytes, files)
        {
            SourceFiles = options.SourceFile is { } sourceFile
                ? [new OutputFile(Path.GetFileName(sourceFile), new FileInfo(sourceFile).Length, FileChecksum.Of(sourceFile))]
                : options.SourceFolder is null ? [] : SourceFiles.Describe(options.SourceFolder),
            SourceDetails = options.SourceDetails is { } details && encoder is GgufBlockLinearEncoder blocks
                ? details with { StoredAs = details.StoredAs.ToDictionary(pair => pair.Key, pair => blocks.StoredAs.TryGetValue(pair.Key, out string? carried) ? $"{carried} (embeddings: {pair.Value})" : pair.Value, StringComparer.Ordinal) }
                : options.SourceDetails,
            Quantization = options.Precision.QuantizedBits() is { } bits ? options.Quantization with { Bits = bits } : null,
            QuantizedTensors = encoder.Quantized,
            Importance = importance,
            Target = options.Target,
        };
        WriteFile(temporary, ModelManifest.FileName, stream => ModelManifestWriter.Write(stream, manifest.ToContents()));
        staged.Commit();
        return new ConversionResult(staged.OutputFolder, contextLength, weightBytes, files) { QuantizedTensors = encoder.Quantized, Importance = importance };
    }

    /// <summary>What genai_config.json describes of the checkpoint's config.</summary>
    private static GenAiModel GenAi(ModelConfig config) => new(
        config.ModelType, config.BosTokenId, config.EosTokenIds, config.PadTokenId, config.HeadDim, config.HiddenSize,
        config.HeadCount, config.LayerCount, config.KvHeadCount, config.VocabSize, config.Generation);

    /// <summary>Runs the calibration (if any) in a scratch folder inside the staging area and removes that folder afterwards.</summary>
    private static ChannelImportance? Calibrate(ImportanceCalibration? calibration, string staging, IProgress<ConversionProgress>? progress, CancellationToken cancellation)
    {
        if (calibration is null)
        {
            return null;
        }

        string scratch = Path.Combine(staging, CalibrationFolderName);
        try
        {
            return calibration(scratch, progress, cancellation);
        }
        finally
        {
            if (Directory.Exists(scratch))
            {
                Directory.Delete(scratch, recursive: true);
            }
        }
    }

    /// <summary>The scratch folder (inside the staging area) a calibration may write its full-precision model into.</summary>
    public const string CalibrationFolderName = "calibration-model";

    /// <summary>The DirectML target's fixed choices: RoPE outside GroupQueryAttention, MatMulNBits accuracy_level 0.</summary>
    private static ConversionOptions ForTarget(ConversionOptions options)
    {
        if (options.Target != GraphTarget.DirectML)
        {
            return options;
        }

        if (options.Rotary == RotaryPlacement.Fused)
        {
            throw new EdgeLlmException("the DirectML target rotates outside GroupQueryAttention: it cannot use the fused rotary placement");
        }

        return options with { Rotary = RotaryPlacement.Separate, Quantization = options.Quantization with { AccuracyLevel = 0 } };
    }

    private static long WriteModel(ICheckpoint checkpoint, string folder, ILinearWeightEncoder encoder, DecoderGraphOptions graphOptions, List<OutputFile> files, IProgress<ConversionProgress>? progress, CancellationToken cancellation)
    {
        ModelProto model;
        string dataHash;
        long dataBytes;
        using (var data = new ExternalDataWriter(Path.Combine(folder, DataFileName)))
        {
            var graph = new GraphBuilder($"{checkpoint.Config.ModelType}_decoder", data);
            DecoderGraph.Emit(checkpoint, graph, encoder, graphOptions, progress, cancellation);
            model = graph.Build(ModelManifest.ToolVersion, new Dictionary<string, string>
            {
                ["edgellm.precision"] = encoder.Precision,
                ["edgellm.context_length"] = graphOptions.ContextLength.ToString(CultureInfo.InvariantCulture),
            });
            dataHash = data.Complete();
            dataBytes = data.Length;
        }

        files.Add(WriteFile(folder, ModelFileName, model.WriteTo));
        files.Add(new OutputFile(DataFileName, dataBytes, dataHash));
        return dataBytes;
    }

    private static OutputFile WriteFile(string folder, string name, Action<Stream> write)
    {
        using (var stream = new FileStream(Path.Combine(folder, name), FileMode.CreateNew, FileAccess.Write))
        {
            write(stream);
            stream.Flush(flushToDisk: true);
        }

        return Describe(folder, name);
    }

    private static OutputFile Describe(string folder, string name)
    {
        string path = Path.Combine(folder, name);
        return new OutputFile(name, new FileInfo(path).Length, FileChecksum.Of(path));
    }
}

using EdgeLLM.Format.Files;
using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Quantize.Architectures;
using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Quantize.Quantizers;

namespace EdgeLLM.Quantize.Conversion;

/// <summary>
/// What a conversion knows that edgellm.json records (the checkpoint's config, the quantization settings and
/// every quantized tensor's error), turned into the format's <see cref="ManifestContents"/> by <see cref="ToContents"/>.
/// </summary>
internal sealed record ConversionManifest(
    ModelConfig Config,
    string? SourceFolder,
    string Precision,
    int ContextLength,
    bool LastPositionLogitsOnly,
    bool FusedRotary,
    long WeightBytes,
    IReadOnlyList<OutputFile> Files)
{
    /// <summary>The quantization applied (bits set), or null for fp32/fp16.</summary>
    public QuantizationSettings? Quantization { get; init; }

    /// <summary>The checkpoint files the conversion read (empty when there was no source folder).</summary>
    public IReadOnlyList<OutputFile> SourceFiles { get; init; } = [];

    /// <summary>What the source format adds to <c>source</c> (GGUF: tensor type mix), or null.</summary>
    public SourceDetails? SourceDetails { get; init; }

    /// <summary>The execution provider the graph is shaped for.</summary>
    public GraphTarget Target { get; init; } = GraphTarget.Cpu;

    /// <summary>Every block-quantized weight with its error.</summary>
    public IReadOnlyList<QuantizedTensor> QuantizedTensors { get; init; } = [];

    /// <summary>The input-channel importance that weighted the scale search, or null.</summary>
    public ChannelImportance? Importance { get; init; }

    public ManifestContents ToContents() => new(
        new ManifestSource(SourceFolder, Config.ModelType, Config.TorchDtype, SourceFiles) { Details = SourceDetails },
        Precision,
        ContextLength,
        LastPositionLogitsOnly,
        FusedRotary,
        new ManifestModel(Config.LayerCount, Config.HiddenSize, Config.IntermediateSize, Config.HeadCount, Config.KvHeadCount, Config.HeadDim, Config.VocabSize, Config.TieWordEmbeddings, Rope(Config)),
        WeightBytes,
        Files)
    {
        Target = Target.Name(),
        Quantization = Quantization is { } quantization ? Summary(quantization) : null,
    };

    private static ManifestRope Rope(ModelConfig config) => new(config.RopeType, config.RopeTheta, config.RopeAttentionScale)
    {
        Llama3 = config.RopeScaling,
        Yarn = config.Yarn is { } yarn
            ? new ManifestYarnRope(yarn.Factor, yarn.OriginalMaxPositionEmbeddings, yarn.BetaFast, yarn.BetaSlow, yarn.Truncate, yarn.IgnoredAttnFactor)
            : null,
    };

    private QuantizationSummary Summary(QuantizationSettings quantization)
    {
        int scaleBytes = BitsPerWeight.ScaleBytes(Target);
        BitsPerWeight size = BitsPerWeight.Of(QuantizedTensors, scaleBytes, WeightBytes, Config);
        return new QuantizationSummary(
            quantization.Bits,
            quantization.BlockSize,
            !quantization.Asymmetric,
            quantization.ScaleChoice == ScaleChoice.Search ? "search" : "round-to-nearest",
            quantization.Mlp.BlockSize,
            QuantizationSettings.Name(quantization.LmHead),
            quantization.LmHeadOptions?.BlockSize,
            Config.TieWordEmbeddings ? "tied" : QuantizationSettings.Name(quantization.Embeddings),
            quantization.AccuracyLevel,
            QuantizationSettings.Name(quantization.Recipe),
            new BitsPerWeightSummary(size.Linear, size.Quantized, size.Folder, BitsPerWeight.LlamaCppQ4_0, BitsPerWeight.LlamaCppQ4_K_M),
            [.. QuantizedTensors.Select(tensor => new QuantizedTensorSummary(
                tensor.Name,
                tensor.Options.Bits,
                tensor.Options.BlockSize,
                !tensor.Options.Asymmetric,
                BitsPerWeight.Of(tensor, scaleBytes),
                tensor.Error.MaxAbsoluteError,
                tensor.Error.RootMeanSquareError,
                tensor.Error.RelativeRootMeanSquareError)
            {
                ScaleType = ScaleTypeName(tensor.Options.HalfScales),
            })])
        {
            LinearScaleType = ScaleTypeName(quantization.HalfScales),
            Calibration = Importance is { } importance ? new CalibrationSummary(importance.Source, importance.TokenCount, importance.WeightedCount, importance.FeedbackCount) : null,
        };
    }

    /// <summary>How scales are stored: fp16 when asked for, and always in the DirectML graph (fp16 activations).</summary>
    private string ScaleTypeName(bool halfScales) => halfScales || Target == GraphTarget.DirectML ? "fp16" : "fp32";
}

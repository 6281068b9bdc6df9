using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Quantize.Architectures;
using EdgeLLM.Quantize.Quantizers;

namespace EdgeLLM.Quantize.Conversion;

/// <summary>What <see cref="ModelConverter"/> writes.</summary>
public sealed record ConversionOptions
{
    /// <summary>The context length used when none is given (the RoPE cache rows and genai_config context_length).</summary>
    public const int DefaultMaxContext = 4096;

    public WeightPrecision Precision { get; init; } = WeightPrecision.Fp32;

    /// <summary>Block size, symmetry, scale choice, lm_head and accuracy level of int4/int8 (bits come from <see cref="Precision"/>).</summary>
    public QuantizationSettings Quantization { get; init; } = new();

    /// <summary>Caps the RoPE cache and the recorded context; the model's max_position_embeddings caps it further.</summary>
    public int MaxContext { get; init; } = DefaultMaxContext;

    /// <summary>
    /// lm_head on the last position only (logits <c>[batch, 1, vocab]</c>): what generation needs, and
    /// cheaper on long prompts. Default false: logits for every position.
    /// </summary>
    public bool LastPositionLogitsOnly { get; init; }

    /// <summary>Where RoPE is applied (default: inside GroupQueryAttention when head_dim allows).</summary>
    public RotaryPlacement Rotary { get; init; } = RotaryPlacement.Auto;

    /// <summary>
    /// The execution provider the graph is shaped for (default CPU). <see cref="GraphTarget.DirectML"/> implies the
    /// separate rotary placement and MatMulNBits accuracy_level 0, whatever <see cref="Rotary"/> and
    /// <see cref="Quantization"/> say (an explicit fused rotary is refused).
    /// </summary>
    public GraphTarget Target { get; init; } = GraphTarget.Cpu;

    /// <summary>Replace an existing non-empty output folder (otherwise that is an error).</summary>
    public bool Overwrite { get; init; }

    /// <summary>The folder the checkpoint came from: tokenizer files are copied from it and it is recorded in edgellm.json.</summary>
    public string? SourceFolder { get; init; }

    /// <summary>
    /// A single-file source (a GGUF file) recorded in edgellm.json instead of <see cref="SourceFolder"/>: its
    /// path, size and XXH3-128, plus <see cref="SourceDetails"/>.
    /// </summary>
    public string? SourceFile { get; init; }

    /// <summary>Extra facts about the source written under <c>source</c> in edgellm.json (e.g. the GGUF tensor type mix).</summary>
    public SourceDetails? SourceDetails { get; init; }

    /// <summary>Files made for the output folder instead of copied from <see cref="SourceFolder"/> (tokenizer files rebuilt from GGUF metadata).</summary>
    public IReadOnlyList<(string Name, byte[] Content)> GeneratedFiles { get; init; } = [];

    /// <summary>
    /// int4/int8: the importance of each Linear layer's input channels that weights the scale search, or null. Takes
    /// precedence over <see cref="Calibration"/>.
    /// </summary>
    public ChannelImportance? Importance { get; init; }

    /// <summary>
    /// int4/int8: measures <see cref="Importance"/> inside the staging area before the weights are quantized (a
    /// calibration text through a full-precision copy), or null for the unweighted search. Ignored for fp32/fp16.
    /// </summary>
    public ImportanceCalibration? Calibration { get; init; }

    /// <summary>Told after each checkpoint tensor is written (on the converting thread), or null.</summary>
    public IProgress<ConversionProgress>? Progress { get; init; }
}

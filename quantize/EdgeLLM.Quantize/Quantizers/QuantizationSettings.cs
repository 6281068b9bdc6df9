using EdgeLLM.Format;

namespace EdgeLLM.Quantize.Quantizers;

/// <summary>
/// How the converter quantizes a model: every Linear layer as MatMulNBits with <see cref="Bits"/> per
/// weight in blocks of <see cref="BlockSize"/>, symmetric unless <see cref="Asymmetric"/>, scales chosen
/// by <see cref="ScaleChoice"/>; lm_head per <see cref="LmHead"/>; <see cref="AccuracyLevel"/> is
/// MatMulNBits' compute type (0 unset, 1 fp32, 4 int8 activations: the fast CPU path, and the only
/// fast one for 8-bit weights).
/// The defaults (block 32, symmetric, searched scales, lm_head int8 in blocks of 256, accuracy_level 4) are the only int4
/// settings measured whose KL divergence is not above llama.cpp Q4_0's on the same trained weights
/// (stories260k: 4.6e-2 against 5.3e-2; blocks 64/128 6.4e-2/7.2e-2, lm_head int4 6.4e-2), so the
/// faster, coarser blocks stay opt-in (<c>--block-size</c>).
/// </summary>
public sealed record QuantizationSettings
{
    public int Bits { get; init; } = 4;

    public int BlockSize { get; init; } = 32;

    public bool Asymmetric { get; init; }

    public ScaleChoice ScaleChoice { get; init; } = ScaleChoice.Search;

    public LmHeadPrecision LmHead { get; init; } = LmHeadPrecision.Int8;

    /// <summary>An int8 lm_head's block size unless <see cref="LmHeadBlockSize"/> says otherwise.</summary>
    public const int Int8LmHeadBlockSize = 256;

    /// <summary>
    /// lm_head's block size (and a tied embedding's), or null: <see cref="Int8LmHeadBlockSize"/> for an
    /// int8 lm_head, <see cref="BlockSize"/> for an int4 one. lm_head is the largest single matrix a decode
    /// step reads (233 M weights on the 1.5B model); at 8 bits blocks of 256 cost no measurable accuracy
    /// (stories260k KL 4.59e-2 at 64, 128 and 256 against 4.61e-2 at 32) and hold 8× fewer scales and
    /// block sums: 52 MB less packed memory and a ~90 MiB lower load peak on the 1.5B model.
    /// </summary>
    public int? LmHeadBlockSize { get; init; }

    /// <summary>The MLP projections' block size (gate, up, down: ~88% of a decoder layer's weights), or null for <see cref="BlockSize"/>.</summary>
    public int? MlpBlockSize { get; init; }

    /// <summary>
    /// How an untied token embedding is stored (the same choices as lm_head): int8 in blocks of
    /// <see cref="BlockSize"/> read by GatherBlockQuantized (the default), int4, or fp32 (a plain Gather, as
    /// the anchor builder does). int8 is the default because it costs no measurable quality (int4 defaults on
    /// the untied tiny fixtures, teacher-forced against the reference: mean KL 1.235e-6 against 1.255e-6 with
    /// the fp32 table on Qwen2, 1.183e-6 against 1.185e-6 on Llama; see QuantizedModelAccuracyTests) and
    /// saves 3 bytes per weight (int8 values + an fp32 scale per 32): 1.6 GB of an 8B Llama folder. A tied
    /// embedding is the lm_head's single copy and follows <see cref="LmHead"/>.
    /// </summary>
    public LmHeadPrecision Embeddings { get; init; } = LmHeadPrecision.Int8;

    public int AccuracyLevel { get; init; } = 4;

    /// <summary>
    /// The decoder Linear layers' scales stored as fp16 and cast to float in the graph before MatMulNBits (4.5 bits per
    /// weight at int4 block 32 instead of 5.0). lm_head and embeddings keep their scales in the activation type. Off by
    /// default: EdgeLLM's CPU engine reads MatMulNBits scales only straight from an initializer.
    /// </summary>
    public bool HalfScales { get; init; }

    /// <summary>Which tensors get 8 bits in an int4 model (<see cref="TensorQuantizationRules"/> applies it).</summary>
    public QuantizationRecipe Recipe { get; init; } = QuantizationRecipe.Uniform;

    /// <summary>The recipe's spelling on the command line and in edgellm.json.</summary>
    public static string Name(QuantizationRecipe recipe) => recipe == QuantizationRecipe.Mixed ? "mixed" : "uniform";

    /// <summary>Parses "uniform" or "mixed" given to --recipe.</summary>
    public static QuantizationRecipe ParseRecipe(string name) => name.ToLowerInvariant() switch
    {
        "uniform" => QuantizationRecipe.Uniform,
        "mixed" => QuantizationRecipe.Mixed,
        _ => throw new EdgeLlmException($"recipe must be uniform or mixed, not '{name}'"),
    };

    /// <summary>The block quantization of the decoder's Linear layers.</summary>
    public BlockQuantizationOptions Linear => new(Bits, BlockSize, Asymmetric, ScaleChoice) { HalfScales = HalfScales };

    /// <summary>The block quantization of lm_head, or null when it stays fp32.</summary>
    public BlockQuantizationOptions? LmHeadOptions => OptionsFor(LmHead) is { } options
        ? options with { BlockSize = LmHeadBlockSize ?? (options.Bits == 8 ? Int8LmHeadBlockSize : BlockSize), HalfScales = false }
        : null;

    /// <summary>The block quantization of the MLP projections.</summary>
    public BlockQuantizationOptions Mlp => Linear with { BlockSize = MlpBlockSize ?? BlockSize };

    /// <summary>The block quantization of an untied embedding, or null when it stays fp32.</summary>
    public BlockQuantizationOptions? EmbeddingOptions => OptionsFor(Embeddings) is { } options ? options with { HalfScales = false } : null;

    /// <summary>Throws <see cref="EdgeLlmException"/> for settings MatMulNBits does not run.</summary>
    public void Validate()
    {
        Linear.Validate();
        Mlp.Validate();
        LmHeadOptions?.Validate();
        if (AccuracyLevel is not (0 or 1 or 4))
        {
            throw new EdgeLlmException($"accuracy level must be 0, 1 or 4, not {AccuracyLevel}");
        }
    }

    /// <summary>lm_head's spelling on the command line and in edgellm.json.</summary>
    public static string Name(LmHeadPrecision precision) => precision switch
    {
        LmHeadPrecision.Int8 => "int8",
        LmHeadPrecision.Int4 => "int4",
        _ => "fp32",
    };

    /// <summary>Parses "int8", "int4" or "fp32" given to <paramref name="option"/> (named in the error).</summary>
    public static LmHeadPrecision ParseLmHead(string name, string option = "lm_head") => name.ToLowerInvariant() switch
    {
        "int8" => LmHeadPrecision.Int8,
        "int4" => LmHeadPrecision.Int4,
        "fp32" => LmHeadPrecision.Fp32,
        _ => throw new EdgeLlmException($"{option} must be int8, int4 or fp32, not '{name}'"),
    };

    private BlockQuantizationOptions? OptionsFor(LmHeadPrecision precision) => precision switch
    {
        LmHeadPrecision.Int8 => Linear with { Bits = 8 },
        LmHeadPrecision.Int4 => Linear with { Bits = 4 },
        _ => null,
    };
}

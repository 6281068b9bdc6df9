namespace EdgeLLM.Quantize.Quantizers;

/// <summary>
/// How the converter quantizes a model: every Linear layer as MatMulNBits with <see cref="Bits"/> per
/// weight in blocks of <see cref="BlockSize"/>, symmetric unless <see cref="Asymmetric"/>, scales chosen
/// by <see cref="ScaleChoice"/>; lm_head per <see cref="LmHead"/>; <see cref="AccuracyLevel"/> is
/// MatMulNBits' compute type (0 unset, 1 fp32, 4 int8 activations: the fast CPU path, and the only
/// fast one for 8-bit weights).
/// </summary>
public sealed record QuantizationSettings
{
    public int Bits { get; init; } = 4;

    public int BlockSize { get; init; } = 32;

    public bool Asymmetric { get; init; }

    public ScaleChoice ScaleChoice { get; init; } = ScaleChoice.Search;

    public LmHeadPrecision LmHead { get; init; } = LmHeadPrecision.Int8;

    public int AccuracyLevel { get; init; } = 4;

    /// <summary>The block quantization of the decoder's Linear layers.</summary>
    public BlockQuantizationOptions Linear => new(Bits, BlockSize, Asymmetric, ScaleChoice);

    /// <summary>The block quantization of lm_head, or null when it stays fp32.</summary>
    public BlockQuantizationOptions? LmHeadOptions => LmHead switch
    {
        LmHeadPrecision.Int8 => Linear with { Bits = 8 },
        LmHeadPrecision.Int4 => Linear with { Bits = 4 },
        _ => null,
    };

    /// <summary>Throws <see cref="ArgumentException"/> for settings MatMulNBits does not run.</summary>
    public void Validate()
    {
        Linear.Validate();
        if (AccuracyLevel is not (0 or 1 or 4))
        {
            throw new ArgumentException($"accuracy level must be 0, 1 or 4, not {AccuracyLevel}");
        }
    }

    /// <summary>lm_head's spelling on the command line and in edgellm.json.</summary>
    public static string Name(LmHeadPrecision precision) => precision switch
    {
        LmHeadPrecision.Int8 => "int8",
        LmHeadPrecision.Int4 => "int4",
        _ => "fp32",
    };

    /// <summary>Parses "int8", "int4" or "fp32".</summary>
    public static LmHeadPrecision ParseLmHead(string name) => name.ToLowerInvariant() switch
    {
        "int8" => LmHeadPrecision.Int8,
        "int4" => LmHeadPrecision.Int4,
        "fp32" => LmHeadPrecision.Fp32,
        _ => throw new ArgumentException($"--lm-head must be int8, int4 or fp32, not '{name}'"),
    };
}

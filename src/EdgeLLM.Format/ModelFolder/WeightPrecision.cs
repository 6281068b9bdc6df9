namespace EdgeLLM.Format.ModelFolder;

/// <summary>How the converter stores the decoder's weights (activations and I/O stay fp32 on CPU).</summary>
public enum WeightPrecision
{
    /// <summary>fp32 weights, fp32 compute.</summary>
    Fp32,

    /// <summary>fp16 weights on disk, cast once to fp32 at load (the CPU kernels compute in fp32).</summary>
    Fp16,

    /// <summary>4-bit block-quantized Linear layers (com.microsoft MatMulNBits).</summary>
    Int4,

    /// <summary>8-bit block-quantized Linear layers (com.microsoft MatMulNBits).</summary>
    Int8,
}

/// <summary>Names of <see cref="WeightPrecision"/> as the CLI and edgellm.json spell them.</summary>
public static class WeightPrecisions
{
    public static string Name(this WeightPrecision precision) => precision switch
    {
        WeightPrecision.Fp32 => "fp32",
        WeightPrecision.Fp16 => "fp16",
        WeightPrecision.Int4 => "int4",
        WeightPrecision.Int8 => "int8",
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, null),
    };

    /// <summary>Every precision the converter writes, in CLI spelling.</summary>
    public static IReadOnlyList<string> Names { get; } = Enum.GetValues<WeightPrecision>().Select(Name).ToArray();

    /// <summary>Bits per weight of a quantized precision, or null for fp32/fp16.</summary>
    public static int? QuantizedBits(this WeightPrecision precision) => precision switch
    {
        WeightPrecision.Int4 => 4,
        WeightPrecision.Int8 => 8,
        _ => null,
    };

    public static WeightPrecision Parse(string name)
        => TryParse(name) ?? throw new EdgeLlmException($"precision '{name}' is not supported (supported: {string.Join(", ", Names)})");

    /// <summary>The precision named <paramref name="name"/> (case-insensitive), or null.</summary>
    public static WeightPrecision? TryParse(string name)
    {
        foreach (WeightPrecision precision in Enum.GetValues<WeightPrecision>())
        {
            if (string.Equals(precision.Name(), name, StringComparison.OrdinalIgnoreCase))
            {
                return precision;
            }
        }

        return null;
    }
}

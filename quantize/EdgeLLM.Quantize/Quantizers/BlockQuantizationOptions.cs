using EdgeLLM.Format;

namespace EdgeLLM.Quantize.Quantizers;

/// <summary>
/// What a <see cref="BlockQuantizer"/> produces: <paramref name="Bits"/> per weight (4 or 8),
/// <paramref name="BlockSize"/> weights along K per scale (a power of two from 16 to 256, the sizes
/// ONNX Runtime's MatMulNBits runs fast), with or without per-block zero points.
/// </summary>
public sealed record BlockQuantizationOptions(int Bits, int BlockSize, bool Asymmetric, ScaleChoice ScaleChoice)
{
    /// <summary>The defaults of the quantize verb: int4, block 32, symmetric, searched scales.</summary>
    public static BlockQuantizationOptions Default { get; } = new(4, 32, Asymmetric: false, ScaleChoice.Search);

    /// <summary>
    /// Scales rounded to fp16 and stored as fp16 (2 bytes instead of 4: int4 block 32 costs 4.5 bits per weight, not
    /// 5.0); a graph computing in fp32 casts them to float before MatMulNBits. Off by default.
    /// </summary>
    public bool HalfScales { get; init; }

    /// <summary>Largest code: 15 for 4-bit, 255 for 8-bit.</summary>
    public int MaxCode => (1 << Bits) - 1;

    /// <summary>The zero point implied when none are stored: 2^(bits-1).</summary>
    public int MidCode => 1 << (Bits - 1);

    /// <summary>The block sizes MatMulNBits runs, as errors name them.</summary>
    public const string SupportedBlockSizes = "16, 32, 64, 128 or 256";

    /// <summary>True for a power of two from 16 to 256.</summary>
    public static bool IsSupportedBlockSize(int blockSize) => blockSize is >= 16 and <= 256 && (blockSize & (blockSize - 1)) == 0;

    /// <summary>Throws <see cref="EdgeLlmException"/> when bits or block size are not ones MatMulNBits runs.</summary>
    public void Validate()
    {
        if (Bits is not (4 or 8))
        {
            throw new EdgeLlmException($"bits must be 4 or 8, not {Bits}");
        }

        if (!IsSupportedBlockSize(BlockSize))
        {
            throw new EdgeLlmException($"block size must be {SupportedBlockSizes}, not {BlockSize}");
        }
    }

    public override string ToString()
        => $"int{Bits} block {BlockSize} {(Asymmetric ? "asymmetric" : "symmetric")} {(ScaleChoice == ScaleChoice.Search ? "searched scales" : "round-to-nearest")}{(HalfScales ? ", fp16 scales" : string.Empty)}";
}

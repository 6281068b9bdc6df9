namespace EdgeLLM.Quantize.Quantizers;

/// <summary>
/// How one block is quantized: codes are <c>clamp(roundf(w * RoundingReciprocal + ZeroPoint), 0, maxCode)</c>
/// (MLAS's formula, rounding half away from zero after adding the zero point) and dequantize to
/// <c>(code - ZeroPoint) * Scale</c>. <see cref="RoundingReciprocal"/> is 1/<see cref="Scale"/> for
/// round-to-nearest; the scale search refits <see cref="Scale"/> to the codes a candidate gave.
/// </summary>
internal readonly record struct BlockParameters(float Scale, float RoundingReciprocal, int ZeroPoint)
{
    public static BlockParameters FromScale(float scale, int zeroPoint) => new(scale, scale != 0f ? 1f / scale : 0f, zeroPoint);

    public int Code(float weight, int maxCode)
        => (int)Math.Clamp(MathF.Round((weight * RoundingReciprocal) + ZeroPoint, MidpointRounding.AwayFromZero), 0f, maxCode);

    public float Dequantize(int code) => (code - ZeroPoint) * Scale;
}

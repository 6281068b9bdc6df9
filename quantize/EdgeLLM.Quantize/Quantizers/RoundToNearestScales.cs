namespace EdgeLLM.Quantize.Quantizers;

/// <summary>
/// Round-to-nearest block parameters exactly as ONNX Runtime computes them
/// (onnxruntime/core/mlas/lib/q4_dq.cpp, <c>range2scale</c> and <c>range2scalezp</c>, used by
/// <c>MlasQuantizeBlockwise</c> and the Python <c>quantize_matmul_4bits</c>).
/// </summary>
internal static class RoundToNearestScales
{
    /// <summary>
    /// Symmetric: the value of largest magnitude, sign kept (the minimum on a tie), over -2^(bits-1);
    /// that value gets code 0 and the zero point is the mid code.
    /// </summary>
    public static BlockParameters Symmetric(ReadOnlySpan<float> block, int midCode)
    {
        (float min, float max) = Range(block);
        float extreme = MathF.Abs(max) > MathF.Abs(min) ? max : min;
        return BlockParameters.FromScale(extreme / -midCode, midCode);
    }

    /// <summary>
    /// Asymmetric: the range [min(min, 0), max(max, 0)] spread over codes 0..maxCode, zero point
    /// roundf(-min / scale) clamped to the codes.
    /// </summary>
    public static BlockParameters Asymmetric(ReadOnlySpan<float> block, int maxCode)
    {
        (float min, float max) = Range(block);
        min = Math.Min(min, 0f);
        max = Math.Max(max, 0f);
        float scale = (max - min) / maxCode;
        float zeroPoint = scale != 0f ? 0f - (min / scale) : min;
        int code = zeroPoint < 0f ? 0 : zeroPoint > maxCode ? maxCode : (int)MathF.Round(zeroPoint, MidpointRounding.AwayFromZero);
        return BlockParameters.FromScale(scale, code);
    }

    public static (float Min, float Max) Range(ReadOnlySpan<float> block)
    {
        float min = float.MaxValue;
        float max = -float.MaxValue;
        foreach (float value in block)
        {
            min = Math.Min(min, value);
            max = Math.Max(max, value);
        }

        return (min, max);
    }
}

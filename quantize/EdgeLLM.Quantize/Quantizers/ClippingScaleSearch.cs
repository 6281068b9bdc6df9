namespace EdgeLLM.Quantize.Quantizers;

/// <summary>
/// Error-minimising block parameters. Each candidate clips the block's range by a ratio from 1.0 down
/// to 0.70 and rounds to codes; the scale is then refitted by least squares for those codes
/// (s = Σ w·d / Σ d², d = code − zero point), and the candidate with the lowest squared error wins.
/// Symmetric candidates map the value of largest magnitude to either end of the code range; with zero
/// points, asymmetric candidates clip [min(min, 0), max(max, 0)] as well and a block keeps whichever
/// kind fits it better. MLAS's round-to-nearest codes are the ratio-1.0 candidate, so the result is
/// never worse than <see cref="RoundToNearestScales"/>.
/// </summary>
internal static class ClippingScaleSearch
{
    private static readonly float[] ClippingRatios = CreateRatios();

    public static BlockParameters Choose(ReadOnlySpan<float> block, int bits, bool asymmetric)
    {
        int midCode = 1 << (bits - 1);
        int maxCode = (1 << bits) - 1;
        double weightSquares = 0;
        foreach (float weight in block)
        {
            weightSquares += (double)weight * weight;
        }

        (float min, float max) = RoundToNearestScales.Range(block);
        float extreme = MathF.Abs(max) > MathF.Abs(min) ? max : min;
        var best = Fit(block, RoundToNearestScales.Symmetric(block, midCode), maxCode, weightSquares);
        if (extreme == 0f)
        {
            return best.Parameters;
        }

        foreach (float ratio in ClippingRatios)
        {
            // The extreme value at code 0 (MLAS's side) or at the top code.
            best = Better(best, Fit(block, BlockParameters.FromScale(ratio * extreme / -midCode, midCode), maxCode, weightSquares));
            best = Better(best, Fit(block, BlockParameters.FromScale(ratio * extreme / (maxCode - midCode), midCode), maxCode, weightSquares));
        }

        if (asymmetric)
        {
            float low = Math.Min(min, 0f);
            float high = Math.Max(max, 0f);
            foreach (float ratio in ClippingRatios)
            {
                float scale = ratio * (high - low) / maxCode;
                int zeroPoint = Math.Clamp((int)MathF.Round(-ratio * low / scale, MidpointRounding.AwayFromZero), 0, maxCode);
                best = Better(best, Fit(block, BlockParameters.FromScale(scale, zeroPoint), maxCode, weightSquares));
            }
        }

        return best.Parameters;
    }

    private static (BlockParameters Parameters, double SquaredError) Better(
        (BlockParameters Parameters, double SquaredError) current,
        (BlockParameters Parameters, double SquaredError) candidate)
        => candidate.SquaredError < current.SquaredError ? candidate : current;

    /// <summary>The candidate's codes with the least-squares scale for them, and the squared error left.</summary>
    private static (BlockParameters Parameters, double SquaredError) Fit(
        ReadOnlySpan<float> block, BlockParameters candidate, int maxCode, double weightSquares)
    {
        double weightTimesCode = 0;
        double codeSquares = 0;
        foreach (float weight in block)
        {
            int offset = candidate.Code(weight, maxCode) - candidate.ZeroPoint;
            weightTimesCode += weight * offset;
            codeSquares += offset * offset;
        }

        if (codeSquares == 0)
        {
            return (candidate with { Scale = 0f }, weightSquares);
        }

        double scale = weightTimesCode / codeSquares;
        double squaredError = weightSquares - (weightTimesCode * scale);
        return (candidate with { Scale = (float)scale }, squaredError);
    }

    private static float[] CreateRatios()
    {
        const int steps = 16;
        var ratios = new float[steps];
        for (int i = 0; i < steps; i++)
        {
            ratios[i] = 1f - (0.02f * i);
        }

        return ratios;
    }
}

using System.Numerics;
using System.Runtime.InteropServices;

namespace EdgeLLM.Quantize.Quantizers;

/// <summary>
/// Error-minimising block parameters. Each candidate clips the block's range by a ratio from 1.0 down
/// to 0.70 and rounds to codes; the scale is then refitted by least squares for those codes
/// (s = Σ w·d / Σ d², d = code − zero point), and the candidate with the lowest squared error wins.
/// Symmetric candidates map the value of largest magnitude to either end of the code range; with zero
/// points, asymmetric candidates clip [min(min, 0), max(max, 0)] as well and a block keeps whichever
/// kind fits it better. Candidates are scored with SIMD; the winner is then checked in exact fp32
/// against MLAS round-to-nearest of the same kind, so no block ends up worse than
/// <see cref="RoundToNearestScales"/>.
/// With an importance row (<see cref="ChannelImportance"/>: E[x²] of each weight's input channel) every error is
/// weighted by it: the refit scale is the weighted least-squares one (s = Σ a·w·d / Σ a·d²), candidates are ranked by
/// Σ a·(w − s·d)², and the check against round-to-nearest uses the same weighted error.
/// </summary>
internal static class ClippingScaleSearch
{
    private const int RatioCount = 16;
    private const float RatioStep = 0.02f;

    public static BlockParameters Choose(ReadOnlySpan<float> block, int bits, bool asymmetric)
        => Choose(block, [], bits, asymmetric);

    /// <param name="importance">One weight per value of <paramref name="block"/> (its input channel's importance), or empty for the unweighted search.</param>
    public static BlockParameters Choose(ReadOnlySpan<float> block, ReadOnlySpan<float> importance, int bits, bool asymmetric)
    {
        if (!importance.IsEmpty && importance.Length != block.Length)
        {
            throw new ArgumentException($"{importance.Length} importance values for a block of {block.Length}", nameof(importance));
        }

        int midCode = 1 << (bits - 1);
        int maxCode = (1 << bits) - 1;
        BlockParameters roundToNearest = asymmetric
            ? RoundToNearestScales.Asymmetric(block, maxCode)
            : RoundToNearestScales.Symmetric(block, midCode);
        (float min, float max) = RoundToNearestScales.Range(block);
        float extreme = MathF.Abs(max) > MathF.Abs(min) ? max : min;
        if (extreme == 0f)
        {
            return roundToNearest;
        }

        var best = Fit(block, importance, roundToNearest, maxCode);
        float low = Math.Min(min, 0f);
        float high = Math.Max(max, 0f);
        for (int step = 0; step < RatioCount; step++)
        {
            float ratio = 1f - (RatioStep * step);

            // The extreme value at code 0 (MLAS's side) or at the top code.
            best = Better(best, Fit(block, importance, BlockParameters.FromScale(ratio * extreme / -midCode, midCode), maxCode));
            best = Better(best, Fit(block, importance, BlockParameters.FromScale(ratio * extreme / (maxCode - midCode), midCode), maxCode));
            if (asymmetric)
            {
                float scale = ratio * (high - low) / maxCode;
                int zeroPoint = Math.Clamp((int)MathF.Round(-ratio * low / scale, MidpointRounding.AwayFromZero), 0, maxCode);
                best = Better(best, Fit(block, importance, BlockParameters.FromScale(scale, zeroPoint), maxCode));
            }
        }

        return SquaredError(block, importance, best.Parameters, maxCode) < SquaredError(block, importance, roundToNearest, maxCode)
            ? best.Parameters
            : roundToNearest;
    }

    /// <summary>Σ (w − dequantized)² exactly as the stored codes and fp32 scale give it.</summary>
    public static double SquaredError(ReadOnlySpan<float> block, BlockParameters parameters, int maxCode)
        => SquaredError(block, [], parameters, maxCode);

    /// <summary>Σ a·(w − dequantized)², a the importance of each value (1 when <paramref name="importance"/> is empty).</summary>
    public static double SquaredError(ReadOnlySpan<float> block, ReadOnlySpan<float> importance, BlockParameters parameters, int maxCode)
    {
        double sum = 0;
        for (int i = 0; i < block.Length; i++)
        {
            float weight = block[i];
            double difference = parameters.Dequantize(parameters.Code(weight, maxCode)) - (double)weight;
            sum += (importance.IsEmpty ? 1.0 : importance[i]) * difference * difference;
        }

        return sum;
    }

    private static (BlockParameters Parameters, float Score) Better(
        (BlockParameters Parameters, float Score) current,
        (BlockParameters Parameters, float Score) candidate)
        => candidate.Score > current.Score ? candidate : current;

    /// <summary>
    /// The candidate's codes with the least-squares scale for them. The score (Σ w·d)² / Σ d² is what
    /// that scale removes from Σ w², so the highest score leaves the lowest squared error.
    /// </summary>
    private static (BlockParameters Parameters, float Score) Fit(ReadOnlySpan<float> block, ReadOnlySpan<float> importance, BlockParameters candidate, int maxCode)
    {
        (float weightTimesCode, float codeSquares) = importance.IsEmpty
            ? Correlate(block, candidate, maxCode)
            : CorrelateWeighted(block, importance, candidate, maxCode);
        if (codeSquares == 0f)
        {
            return (candidate with { Scale = 0f }, 0f);
        }

        float scale = weightTimesCode / codeSquares;
        return (candidate with { Scale = scale }, weightTimesCode * scale);
    }

    /// <summary>Σ w·d and Σ d² over the block, d = code − zero point (codes rounded as floor(x + 0.5), which is roundf for x ≥ 0 but for 0.49999997).</summary>
    private static (float WeightTimesCode, float CodeSquares) Correlate(ReadOnlySpan<float> block, BlockParameters candidate, int maxCode)
    {
        var reciprocal = new Vector<float>(candidate.RoundingReciprocal);
        var zeroPoint = new Vector<float>(candidate.ZeroPoint);
        var half = new Vector<float>(0.5f);
        var top = new Vector<float>(maxCode);
        var weightTimesCode = Vector<float>.Zero;
        var codeSquares = Vector<float>.Zero;
        ReadOnlySpan<Vector<float>> vectors = MemoryMarshal.Cast<float, Vector<float>>(block);
        foreach (Vector<float> weights in vectors)
        {
            var code = Vector.Min(Vector.Max(Vector.Floor((weights * reciprocal) + zeroPoint + half), Vector<float>.Zero), top);
            var offset = code - zeroPoint;
            weightTimesCode += weights * offset;
            codeSquares += offset * offset;
        }

        float weightTimesCodeSum = Vector.Sum(weightTimesCode);
        float codeSquareSum = Vector.Sum(codeSquares);
        foreach (float weight in block[(vectors.Length * Vector<float>.Count)..])
        {
            float offset = Math.Clamp(MathF.Floor((weight * candidate.RoundingReciprocal) + candidate.ZeroPoint + 0.5f), 0f, maxCode) - candidate.ZeroPoint;
            weightTimesCodeSum += weight * offset;
            codeSquareSum += offset * offset;
        }

        return (weightTimesCodeSum, codeSquareSum);
    }

    /// <summary>Σ a·w·d and Σ a·d² over the block, a the importance of each value; codes rounded as in <see cref="Correlate"/>.</summary>
    private static (float WeightTimesCode, float CodeSquares) CorrelateWeighted(ReadOnlySpan<float> block, ReadOnlySpan<float> importance, BlockParameters candidate, int maxCode)
    {
        var reciprocal = new Vector<float>(candidate.RoundingReciprocal);
        var zeroPoint = new Vector<float>(candidate.ZeroPoint);
        var half = new Vector<float>(0.5f);
        var top = new Vector<float>(maxCode);
        var weightTimesCode = Vector<float>.Zero;
        var codeSquares = Vector<float>.Zero;
        ReadOnlySpan<Vector<float>> vectors = MemoryMarshal.Cast<float, Vector<float>>(block);
        ReadOnlySpan<Vector<float>> importanceVectors = MemoryMarshal.Cast<float, Vector<float>>(importance);
        for (int i = 0; i < vectors.Length; i++)
        {
            Vector<float> weights = vectors[i];
            var code = Vector.Min(Vector.Max(Vector.Floor((weights * reciprocal) + zeroPoint + half), Vector<float>.Zero), top);
            var offset = code - zeroPoint;
            var weightedOffset = importanceVectors[i] * offset;
            weightTimesCode += weights * weightedOffset;
            codeSquares += offset * weightedOffset;
        }

        float weightTimesCodeSum = Vector.Sum(weightTimesCode);
        float codeSquareSum = Vector.Sum(codeSquares);
        for (int i = vectors.Length * Vector<float>.Count; i < block.Length; i++)
        {
            float weight = block[i];
            float offset = Math.Clamp(MathF.Floor((weight * candidate.RoundingReciprocal) + candidate.ZeroPoint + 0.5f), 0f, maxCode) - candidate.ZeroPoint;
            weightTimesCodeSum += weight * importance[i] * offset;
            codeSquareSum += importance[i] * offset * offset;
        }

        return (weightTimesCodeSum, codeSquareSum);
    }
}

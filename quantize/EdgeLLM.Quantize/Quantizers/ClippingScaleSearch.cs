using System.Numerics;

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

    /// <summary>Round-to-nearest plus three candidates per ratio, padded to whole vectors of up to 16 lanes.</summary>
    private const int MaxCandidates = 64;

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

        // Every candidate in the order the search ranks them (the first of equal scores wins): round-to-nearest, then per
        // clipping ratio the extreme value at code 0 (MLAS's side), at the top code, and with zero points the clipped range.
        int perRatio = asymmetric ? 3 : 2;
        int count = 1 + (RatioCount * perRatio);
        Span<BlockParameters> candidates = stackalloc BlockParameters[MaxCandidates];
        candidates[0] = roundToNearest;
        float low = Math.Min(min, 0f);
        float high = Math.Max(max, 0f);
        for (int step = 0; step < RatioCount; step++)
        {
            float ratio = 1f - (RatioStep * step);
            int at = 1 + (step * perRatio);
            candidates[at] = BlockParameters.FromScale(ratio * extreme / -midCode, midCode);
            candidates[at + 1] = BlockParameters.FromScale(ratio * extreme / (maxCode - midCode), midCode);
            if (asymmetric)
            {
                float scale = ratio * (high - low) / maxCode;
                int zeroPoint = Math.Clamp((int)MathF.Round(-ratio * low / scale, MidpointRounding.AwayFromZero), 0, maxCode);
                candidates[at + 2] = BlockParameters.FromScale(scale, zeroPoint);
            }
        }

        Span<float> weightTimesCode = stackalloc float[MaxCandidates];
        Span<float> codeSquares = stackalloc float[MaxCandidates];
        Correlate(block, importance, candidates[..count], maxCode, weightTimesCode, codeSquares);
        BlockParameters best = default;
        float bestScore = 0f;
        for (int candidate = 0; candidate < count; candidate++)
        {
            // The least-squares scale for the candidate's codes; its score (Σ a·w·d)² / Σ a·d² is what that scale removes
            // from Σ a·w², so the highest score leaves the lowest squared error.
            float scale = codeSquares[candidate] == 0f ? 0f : weightTimesCode[candidate] / codeSquares[candidate];
            float score = weightTimesCode[candidate] * scale;
            if (candidate == 0 || score > bestScore)
            {
                best = candidates[candidate] with { Scale = scale };
                bestScore = score;
            }
        }

        return SquaredError(block, importance, best, maxCode) < SquaredError(block, importance, roundToNearest, maxCode)
            ? best
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

    /// <summary>
    /// Σ a·w·d and Σ a·d² over the block for every candidate, d = code − zero point, a the importance of each value (1 when
    /// <paramref name="importance"/> is empty); codes rounded as floor(x + 0.5), which is roundf for x ≥ 0 but for
    /// 0.49999997. The candidates lie across the vector lanes and the block's values are broadcast one at a time, so no
    /// sum needs a horizontal reduction.
    /// </summary>
    private static void Correlate(
        ReadOnlySpan<float> block, ReadOnlySpan<float> importance, ReadOnlySpan<BlockParameters> candidates, int maxCode, Span<float> weightTimesCode, Span<float> codeSquares)
    {
        int lanes = Vector<float>.Count;
        Span<float> reciprocals = stackalloc float[MaxCandidates];
        Span<float> zeroPoints = stackalloc float[MaxCandidates];
        int padded = (candidates.Length + lanes - 1) / lanes * lanes;
        for (int candidate = 0; candidate < padded; candidate++)
        {
            // Lanes past the last candidate repeat it; their sums are never read.
            BlockParameters parameters = candidates[Math.Min(candidate, candidates.Length - 1)];
            reciprocals[candidate] = parameters.RoundingReciprocal;
            zeroPoints[candidate] = parameters.ZeroPoint;
        }

        var half = new Vector<float>(0.5f);
        var top = new Vector<float>(maxCode);
        for (int first = 0; first < padded; first += lanes)
        {
            var reciprocal = new Vector<float>(reciprocals[first..]);
            var zeroPoint = new Vector<float>(zeroPoints[first..]);
            var products = Vector<float>.Zero;
            var squares = Vector<float>.Zero;
            if (importance.IsEmpty)
            {
                foreach (float value in block)
                {
                    var weight = new Vector<float>(value);
                    var offset = Vector.Min(Vector.Max(Vector.Floor((weight * reciprocal) + zeroPoint + half), Vector<float>.Zero), top) - zeroPoint;
                    products += weight * offset;
                    squares += offset * offset;
                }
            }
            else
            {
                for (int i = 0; i < block.Length; i++)
                {
                    var weight = new Vector<float>(block[i]);
                    var offset = Vector.Min(Vector.Max(Vector.Floor((weight * reciprocal) + zeroPoint + half), Vector<float>.Zero), top) - zeroPoint;
                    var weightedOffset = new Vector<float>(importance[i]) * offset;
                    products += weight * weightedOffset;
                    squares += offset * weightedOffset;
                }
            }

            products.CopyTo(weightTimesCode[first..]);
            squares.CopyTo(codeSquares[first..]);
        }
    }
}

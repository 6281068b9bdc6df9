using EdgeLLM.Runtime.Sampling;

namespace EdgeLLM.Runtime.Tests.Sampling;

/// <summary>
/// Each Hugging Face processor/warper stage on hand-made logits with hand-computed results
/// (transformers generation/logits_process.py semantics, applied in _get_logits_processor order).
/// </summary>
public sealed class SamplerStageTests
{
    private static readonly SamplingSettings PlainSoftmax = new() { Temperature = 1.0 };

    [Fact]
    public void RepetitionPenaltyDividesPositiveAndMultipliesNegativeLogitsOncePerDistinctToken()
    {
        float[] logits = [4f, 3f, -1f, -0.5f, 0f, 1f, 2f, -3f, 0.5f, 1.5f];

        // Token 0 appears twice but is penalized once: 4 / 2 = 2 (not 1). Token 2: -1 * 2 = -2. Token 9: 1.5 / 2 = 0.75.
        double[] actual = Distributions.Of(PlainSoftmax with { RepetitionPenalty = 2.0 }, logits, 0, 2, 0, 9);

        Distributions.Equal(Distributions.Softmax(2, 3, -2, -0.5, 0, 1, 2, -3, 0.5, 0.75), actual);
    }

    [Fact]
    public void RepetitionPenaltyBelowOneRewardsSeenTokens()
    {
        float[] logits = [4f, 3f, -1f, -0.5f, 0f, 1f, 2f, -3f, 0.5f, 1.5f];

        // 4 / 0.5 = 8, -1 * 0.5 = -0.5, 1.5 / 0.5 = 3.
        double[] actual = Distributions.Of(PlainSoftmax with { RepetitionPenalty = 0.5 }, logits, 0, 2, 9);

        Distributions.Equal(Distributions.Softmax(8, 3, -0.5, -0.5, 0, 1, 2, -3, 0.5, 3), actual);
    }

    [Fact]
    public void RepetitionPenaltyAppliesToGreedyDecoding()
    {
        float[] logits = [4f, 3f, -1f, -0.5f];
        var greedy = new Sampler(SamplingSettings.Greedy, logits.Length);
        var penalized = new Sampler(SamplingSettings.Greedy with { RepetitionPenalty = 2.0 }, logits.Length);

        Assert.Equal(0, greedy.Sample(logits, [0]));
        Assert.Equal(1, penalized.Sample(logits, [0])); // 4 / 2 = 2 < 3
        Assert.Equal(0, penalized.Sample(logits, [2])); // only token 2 penalized: -2
    }

    [Theory]
    [InlineData(0.5, new[] { 2.0, 4, 6, 0, -2, 1, 3, 5, -4, 0.5 })]
    [InlineData(2.0, new[] { 0.5, 1, 1.5, 0, -0.5, 0.25, 0.75, 1.25, -1, 0.125 })]
    public void TemperatureDividesTheLogits(double temperature, double[] dividedLogits)
    {
        float[] logits = [1f, 2f, 3f, 0f, -1f, 0.5f, 1.5f, 2.5f, -2f, 0.25f];

        double[] actual = Distributions.Of(new SamplingSettings { Temperature = temperature }, logits);

        Distributions.Equal(Distributions.Softmax(dividedLogits), actual);
    }

    [Theory]
    [InlineData(1, new[] { 1, 3 })] // the 1st largest is 3, tied by token 3: torch.topk keeps every score >= it
    [InlineData(2, new[] { 1, 3 })]
    [InlineData(3, new[] { 1, 2, 3, 4, 6 })] // 3rd largest is 2, held by tokens 2, 4 and 6
    [InlineData(6, new[] { 1, 2, 3, 4, 6, 9 })]
    [InlineData(10, new[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 })]
    [InlineData(50, new[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 })]
    public void TopKKeepsScoresAtLeastTheKthLargestWithTies(int topK, int[] expectedSupport)
    {
        float[] logits = [1f, 3f, 2f, 3f, 2f, 0f, 2f, -1f, 0.5f, 1.5f];

        double[] actual = Distributions.Of(PlainSoftmax with { TopK = topK }, logits);

        double[] kept = logits.Select((logit, token) => expectedSupport.Contains(token) ? logit : double.NegativeInfinity).ToArray();
        Distributions.Equal(Distributions.Softmax(kept), actual);
    }

    [Theory]
    // Four equal candidates (tokens 0, 2, 3, 5; the rest are -inf): ascending cumulative probabilities are
    // exactly 0.25, 0.5, 0.75, 1, and HF removes cumulative <= 1 - top_p. Ties resolve as a stable ascending
    // sort: the lower token id is removed first.
    [InlineData(0.5, new[] { 3, 5 })] // 0.5 <= 0.5 is removed: exactly at the threshold
    [InlineData(0.5000001, new[] { 2, 3, 5 })] // just above: 0.5 > 0.4999999 stays
    [InlineData(0.75, new[] { 2, 3, 5 })]
    [InlineData(0.25, new[] { 5 })]
    [InlineData(1e-9, new[] { 5 })] // min_tokens_to_keep = 1
    [InlineData(1.0, new[] { 0, 2, 3, 5 })]
    public void TopPRemovesCumulativeProbabilityAtOrBelowOneMinusTopP(double topP, int[] expectedSupport)
    {
        float[] logits = [0f, float.NegativeInfinity, 0f, 0f, float.NegativeInfinity, 0f];

        double[] actual = Distributions.Of(PlainSoftmax with { TopP = topP }, logits);

        Assert.Equal(expectedSupport, Distributions.Support(actual));
        foreach (int token in expectedSupport)
        {
            Assert.Equal(1.0 / expectedSupport.Length, actual[token], 12);
        }
    }

    [Fact]
    public void TopPAfterTopKWorksOnTheTopKSurvivorsWithTheSameBoundary()
    {
        // Top-k 4 keeps the four zeros (tokens 0, 2, 3, 5); top-p 0.5 then removes cumulative <= 0.5 among them.
        float[] logits = [0f, -5f, 0f, 0f, -5f, 0f];

        double[] actual = Distributions.Of(PlainSoftmax with { TopK = 4, TopP = 0.5 }, logits);

        Distributions.Equal([0, 0, 0, 0.5, 0, 0.5], actual, 1e-15);
    }

    [Theory]
    // softmax(2, 1, 0, -1) = 0.643914, 0.236883, 0.087144, 0.032059; ascending cumulative 0.032059, 0.119203, 0.356117, 1.
    [InlineData(0.9, new[] { 0, 1, 2 })] // remove <= 0.1: token 3
    [InlineData(0.85, new[] { 0, 1 })] // remove <= 0.15: tokens 3, 2
    [InlineData(0.65, new[] { 0, 1 })] // remove <= 0.35: 0.356117 stays
    [InlineData(0.6, new[] { 0 })] // remove <= 0.4: tokens 3, 2, 1
    [InlineData(0.01, new[] { 0 })] // so small only the top token remains
    public void TopPKeepsTheSmallestHeadReachingTheMass(double topP, int[] expectedSupport)
    {
        float[] logits = [2f, 1f, 0f, -1f];

        double[] actual = Distributions.Of(PlainSoftmax with { TopP = topP }, logits);

        double[] kept = logits.Select((logit, token) => expectedSupport.Contains(token) ? logit : double.NegativeInfinity).ToArray();
        Distributions.Equal(Distributions.Softmax(kept), actual);
    }

    [Theory]
    // exp(0, -1, -2, -3, -4) = 1, 0.3679, 0.1353, 0.0498, 0.0183: removed when prob < min_p * max prob.
    [InlineData(1.0, 0.01, new[] { 0, 1, 2, 3, 4 })]
    [InlineData(1.0, 0.04, new[] { 0, 1, 2, 3 })]
    [InlineData(1.0, 0.1, new[] { 0, 1, 2 })]
    [InlineData(1.0, 0.2, new[] { 0, 1 })]
    [InlineData(1.0, 0.4, new[] { 0 })]
    [InlineData(2.0, 0.2, new[] { 0, 1, 2, 3 })] // after temperature 2: 1, 0.6065, 0.3679, 0.2231, 0.1353
    public void MinPRemovesTokensBelowAFractionOfTheTopProbability(double temperature, double minP, int[] expectedSupport)
    {
        float[] logits = [0f, -1f, -2f, -3f, -4f];

        double[] actual = Distributions.Of(new SamplingSettings { Temperature = temperature, MinP = minP }, logits);

        double[] kept = logits.Select((logit, token) => expectedSupport.Contains(token) ? logit / temperature : double.NegativeInfinity).ToArray();
        Distributions.Equal(Distributions.Softmax(kept), actual);
    }

    [Fact]
    public void MinPOfOneKeepsEveryTokenTiedWithTheTop()
    {
        double[] actual = Distributions.Of(PlainSoftmax with { MinP = 1.0 }, [1f, 1f, 0f]);

        Distributions.Equal([0.5, 0.5, 0], actual);
    }

    [Fact]
    public void MinPOfOneKeepsTiesInsideVectorLanes()
    {
        // Sixteen logits go through the vectorized exponentials: the top weight must come out exactly 1.
        float[] logits = Enumerable.Range(0, 16).Select(token => token is 3 or 12 ? 2f : -1f).ToArray();

        double[] actual = Distributions.Of(PlainSoftmax with { MinP = 1.0 }, logits);

        Assert.Equal([3, 12], Distributions.Support(actual));
        Assert.Equal(0.5, actual[3]);
    }

    [Fact]
    public void AllStagesRunInHuggingFaceOrder()
    {
        float[] logits = [3.0f, 2.5f, -1.0f, 1.0f, 1.9f, 0.0f, -0.5f, 1.5f, -2.0f, 0.5f];
        var settings = new SamplingSettings { RepetitionPenalty = 1.5, Temperature = 0.5, TopK = 3, TopP = 0.9, MinP = 0.35 };

        double[] actual = Distributions.Of(settings, logits, 0, 2, 0);

        // Penalty 1.5: token 0 -> 3 / 1.5 = 2, token 2 -> -1 * 1.5 = -1.5.
        // Temperature 0.5: 4, 5, -3, 2, 3.8, 0, -1, 3, -4, 1.
        // Top-k 3: tokens 1 (5), 0 (4), 4 (3.8).
        // Top-p 0.9: probabilities 0.5991, 0.2204, 0.1805; the smallest cumulative 0.1805 > 0.1, nothing removed.
        // Min-p 0.35 (relative weights exp(score - 5)): token 0 e^-1 = 0.3679 stays, token 4 e^-1.2 = 0.3012 goes.
        // Left: tokens 0 and 1 with e^-1 / (1 + e^-1) = 0.268941 and 1 / (1 + e^-1) = 0.731059.
        Distributions.Equal([0.2689414213699951, 0.7310585786300049, 0, 0, 0, 0, 0, 0, 0, 0], actual);
    }

    [Fact]
    public void GreedyTakesTheFirstIndexOnTiesAndIgnoresTheWarpers()
    {
        float[] logits = [1f, 3f, 3f, 2f];
        var sampler = new Sampler(SamplingSettings.Greedy with { TopK = 1, TopP = 0.1, MinP = 0.9 }, logits.Length);

        Assert.Equal(1, sampler.Sample(logits, []));
        Assert.Equal([0.0, 1, 0, 0], Distributions.Of(SamplingSettings.Greedy, logits));
    }
}

using EdgeLLM.Format;
using EdgeLLM.Runtime.Sampling;

namespace EdgeLLM.Runtime.Tests.Sampling;

/// <summary>
/// OpenAI's presence and frequency penalties on hand-made logits: score -= count × frequency + (count &gt; 0) × presence,
/// counting only what the sampler itself drew (the prompt in previousTokens is not counted).
/// </summary>
public sealed class SamplerOccurrencePenaltyTests
{
    [Fact]
    public void FrequencyPenaltyGrowsWithEachDraw()
    {
        // Draw 1: 3 > 2.5 → 0. Then 3 - 1 = 2 < 2.5 → 1. Then 2 > 2.5 - 1 = 1.5 → 0. Then 3 - 2 = 1 < 1.5 → 1.
        Assert.Equal([0, 1, 0, 1], Draws(SamplingSettings.Greedy with { FrequencyPenalty = 1.0 }, [3f, 2.5f, 0f], 4));
    }

    [Fact]
    public void PresencePenaltyIsSubtractedOnceHoweverOftenATokenWasDrawn()
    {
        // 0 (3), then 2.4 < 2.5 → 1, then 2.4 > 1.9 and 2.0 → 0, and 0 again: its penalty stays 0.6.
        Assert.Equal([0, 1, 0, 0, 0], Draws(SamplingSettings.Greedy with { PresencePenalty = 0.6 }, [3f, 2.5f, 2f], 5));
    }

    [Fact]
    public void TheHistoryPassedInIsNotCountedAndZeroChangesNothing()
    {
        // Token 0 in the history (the prompt) is not penalized by presence/frequency: the first draw is still 0.
        var sampler = new Sampler(SamplingSettings.Greedy with { PresencePenalty = 2, FrequencyPenalty = 2 }, 3);
        Assert.Equal(0, sampler.Sample([3f, 2.5f, 0f], [0, 0, 0]));
        Assert.Equal([0, 0, 0], Draws(SamplingSettings.Greedy, [3f, 2.5f, 0f], 3));
    }

    [Fact]
    public void ProbabilitiesIncludeThePenaltiesWithoutCountingADraw()
    {
        var settings = new SamplingSettings { Temperature = 1.0, FrequencyPenalty = 1.5, PresencePenalty = 0.5, Seed = 7 };
        var sampler = new Sampler(settings, 3);
        float[] logits = [30f, 1f, 0f];
        Assert.Equal(0, sampler.Sample(logits, []));
        double[] probabilities = new double[3];

        sampler.ComputeProbabilities(logits, [], probabilities);
        sampler.ComputeProbabilities(logits, [], probabilities);

        // Token 0 drawn once: 30 - 1 × 1.5 - 0.5 = 28 (the same after a second ComputeProbabilities: no draw was counted).
        Distributions.Equal(Distributions.Softmax(28, 1, 0), probabilities);
    }

    [Theory]
    [InlineData(2.5)]
    [InlineData(-2.1)]
    [InlineData(double.NaN)]
    public void OutOfRangeIsRejected(double value)
    {
        Assert.Throws<EdgeLlmException>(() => SamplingSettings.Greedy with { PresencePenalty = value });
        Assert.Throws<EdgeLlmException>(() => SamplingSettings.Greedy with { FrequencyPenalty = value });
    }

    private static int[] Draws(SamplingSettings settings, float[] logits, int count)
    {
        var sampler = new Sampler(settings, logits.Length);
        return [.. Enumerable.Range(0, count).Select(_ => sampler.Sample(logits, []))];
    }
}

using EdgeLLM.Format;
using EdgeLLM.Runtime.Sampling;

namespace EdgeLLM.Runtime.Tests.Sampling;

/// <summary>The draw itself: reproducible per seed, distributed as the softmax, and its input checks.</summary>
public sealed class SamplerDrawTests
{
    // Known distribution; logits are its natural logarithms.
    private static readonly double[] KnownProbabilities = [0.4, 0.25, 0.15, 0.1, 0.05, 0.05];
    private static readonly float[] KnownLogits = KnownProbabilities.Select(probability => (float)Math.Log(probability)).ToArray();

    // Chi-square critical values at p = 0.001 (the draws are seeded, so the test is deterministic).
    private const double ChiSquareCriticalFiveDegrees = 20.515;
    private const double ChiSquareCriticalTwoDegrees = 13.816;

    [Fact]
    public void SameSeedGivesTheSameSequenceAndAnotherSeedDoesNot()
    {
        float[] logits = [1f, 0.5f, 0.2f, 0f, -0.3f, 0.8f, 0.1f, -1f, 0.4f, 0.6f];
        int[] first = Draws(new SamplingSettings { Temperature = 0.9, Seed = 42 }, logits, 1000);
        int[] again = Draws(new SamplingSettings { Temperature = 0.9, Seed = 42 }, logits, 1000);
        int[] other = Draws(new SamplingSettings { Temperature = 0.9, Seed = 43 }, logits, 1000);

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.True(first.Distinct().Count() == logits.Length, "1000 draws over 10 plausible tokens should reach all of them");
    }

    [Fact]
    public void ASeedFromTheOperatingSystemIsReportedAndReplays()
    {
        float[] logits = [1f, 0.5f, 0.2f, 0f, -0.3f];
        var unseeded = new Sampler(new SamplingSettings(), logits.Length);
        var otherUnseeded = new Sampler(new SamplingSettings(), logits.Length);
        int[] drawn = Enumerable.Range(0, 200).Select(_ => unseeded.Sample(logits, [])).ToArray();

        Assert.NotEqual(unseeded.Seed, otherUnseeded.Seed);
        Assert.Equal(drawn, Draws(new SamplingSettings { Seed = unseeded.Seed }, logits, 200));
    }

    [Fact]
    public void TwentyThousandDrawsFollowTheSoftmax()
    {
        int[] counts = Counts(new SamplingSettings { Seed = 7 }, KnownLogits, 20000);

        Assert.True(ChiSquare(counts, KnownProbabilities) < ChiSquareCriticalFiveDegrees, Describe(counts));
        // The statistic has the power to fail: the same counts against a wrong distribution are far out.
        Assert.True(ChiSquare(counts, [0.05, 0.05, 0.1, 0.15, 0.25, 0.4]) > 1000, Describe(counts));
        Assert.True(ChiSquare(counts, [0.35, 0.25, 0.2, 0.1, 0.05, 0.05]) > ChiSquareCriticalFiveDegrees, Describe(counts));
    }

    [Fact]
    public void FilteredDrawsFollowTheRenormalizedSoftmax()
    {
        int[] counts = Counts(new SamplingSettings { TopK = 3, Seed = 9 }, KnownLogits, 20000);

        Assert.Equal(0, counts[3] + counts[4] + counts[5]);
        Assert.True(ChiSquare(counts[..3], [0.5, 0.3125, 0.1875]) < ChiSquareCriticalTwoDegrees, Describe(counts));
    }

    [Fact]
    public void RejectsInputsThatCannotBeSampled()
    {
        var sampler = new Sampler(new SamplingSettings { Seed = 1 }, 4);

        AssertOneLine(Assert.Throws<ArgumentException>(() => sampler.Sample([1f, 2f, 3f], [])), "3 logits");
        AssertOneLine(Assert.Throws<ArgumentException>(() => sampler.Sample([1f, 2f, 3f, 4f], [1, 4])), "previous token 4 at position 1");
        AssertOneLine(Assert.Throws<EdgeLlmException>(() => sampler.Sample([1f, float.NaN, 3f, 4f], [])), "token 1 is NaN");
        AssertOneLine(Assert.Throws<EdgeLlmException>(() => sampler.Sample([1f, float.PositiveInfinity, 3f, 4f], [])), "token 1 is Infinity");
        AssertOneLine(Assert.Throws<EdgeLlmException>(() => sampler.Sample([float.NegativeInfinity, float.NegativeInfinity, float.NegativeInfinity, float.NegativeInfinity], [])), "every logit is -infinity");
        float[] wide = new float[20];
        wide[5] = float.NaN;
        AssertOneLine(Assert.Throws<EdgeLlmException>(() => new Sampler(new SamplingSettings { Temperature = 0.5 }, 20).Sample(wide, [])), "token 5 is NaN");
        AssertOneLine(Assert.Throws<EdgeLlmException>(() => new Sampler(SamplingSettings.Greedy, 20).Sample(wide, [])), "token 5 is NaN");
        AssertOneLine(Assert.Throws<ArgumentException>(() => new Sampler(SamplingSettings.Greedy, 0)), "vocabulary size");
        AssertOneLine(
            Assert.Throws<EdgeLlmException>(() => new Sampler(new SamplingSettings { Temperature = 1e-30 }, 2).Sample([1e10f, 0f], [])),
            "after dividing by temperature");
    }

    private static void AssertOneLine(Exception error, string expectedPart)
    {
        Assert.Contains(expectedPart, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    private static int[] Draws(SamplingSettings settings, float[] logits, int drawCount)
    {
        var sampler = new Sampler(settings, logits.Length);
        return Enumerable.Range(0, drawCount).Select(_ => sampler.Sample(logits, [])).ToArray();
    }

    private static int[] Counts(SamplingSettings settings, float[] logits, int drawCount)
    {
        int[] counts = new int[logits.Length];
        foreach (int token in Draws(settings, logits, drawCount))
        {
            counts[token]++;
        }

        return counts;
    }

    private static double ChiSquare(int[] counts, double[] probabilities)
    {
        double total = counts.Sum();
        return counts.Select((count, token) => Math.Pow(count - (total * probabilities[token]), 2) / (total * probabilities[token])).Sum();
    }

    private static string Describe(int[] counts) => "counts: " + string.Join(", ", counts);
}

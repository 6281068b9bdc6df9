using EdgeLLM.Runtime.Sampling;

namespace EdgeLLM.Runtime.Tests.Sampling;

/// <summary>What the sampling tests compare against: the sampler's distribution and a plain softmax.</summary>
internal static class Distributions
{
    /// <summary>The distribution a fresh sampler with these settings would draw from.</summary>
    public static double[] Of(SamplingSettings settings, float[] logits, params int[] previousTokens)
    {
        var sampler = new Sampler(settings with { Seed = 1 }, logits.Length);
        double[] probabilities = new double[logits.Length];
        sampler.ComputeProbabilities(logits, previousTokens, probabilities);
        return probabilities;
    }

    /// <summary>Softmax over the given (already processed) logits; -infinity gives 0.</summary>
    public static double[] Softmax(params double[] logits)
    {
        double max = logits.Max();
        double[] weights = logits.Select(logit => Math.Exp(logit - max)).ToArray();
        double total = weights.Sum();
        return weights.Select(weight => weight / total).ToArray();
    }

    /// <summary>Token ids with a non-zero probability, ascending.</summary>
    public static int[] Support(double[] probabilities) =>
        Enumerable.Range(0, probabilities.Length).Where(token => probabilities[token] > 0).ToArray();

    public static void Equal(double[] expected, double[] actual, double tolerance = 1e-6)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int token = 0; token < expected.Length; token++)
        {
            Assert.True(
                Math.Abs(expected[token] - actual[token]) <= tolerance,
                $"token {token}: expected {expected[token]:R}, got {actual[token]:R}");
        }
    }
}

using EdgeLLM.Runtime.Sampling;

namespace EdgeLLM.Runtime.Tests.Sampling;

/// <summary>
/// The fast paths (quickselect top-k, partially sorted top-p) against a plain full-sort reference on
/// vocabularies big enough to need them, and the per-token allocation budget at R1's vocabulary size.
/// </summary>
public sealed class SamplerLargeVocabularyTests
{
    private const int R1VocabularySize = 151936;

    public static TheoryData<double, int, double, double> Settings => new()
    {
        { 1.0, 0, 0.5, 0 },
        { 1.0, 0, 0.9, 0 },
        { 0.6, 0, 0.95, 0 },
        { 0.6, 50, 0.95, 0 },
        { 1.0, 0, 0.999, 0 },
        { 1.3, 2000, 0.99, 0 },
        { 0.7, 0, 0.9, 0.01 },
        { 1.0, 500, 1.0, 0.05 },
    };

    [Theory]
    [MemberData(nameof(Settings))]
    public void MatchesAFullSortReference(double temperature, int topK, double topP, double minP)
    {
        float[] logits = RandomLogits(20000, scale: 3, seed: 11);
        var settings = new SamplingSettings { Temperature = temperature, TopK = topK, TopP = topP, MinP = minP };

        double[] actual = Distributions.Of(settings, logits);

        Distributions.Equal(ReferenceDistribution(logits, temperature, topK, topP, minP), actual, 1e-12);
        Assert.True(Distributions.Support(actual).Length > 1, "the case should keep more than one token");
    }

    [Fact]
    public void SamplingAllocatesNothingPerToken()
    {
        float[] logits = RandomLogits(R1VocabularySize, scale: 4, seed: 3);
        int[] previousTokens = Enumerable.Range(0, 512).Select(position => (position * 7919) % R1VocabularySize).ToArray();
        SamplingSettings[] variants =
        [
            SamplingSettings.FromGenerationDefaults(new() { DoSample = true, Temperature = 0.6, TopP = 0.95 }, seed: 5),
            new() { Temperature = 0.6, TopP = 0.95, Seed = 5 },
            new() { Temperature = 0.8, MinP = 0.05, RepetitionPenalty = 1.1, Seed = 5 },
            SamplingSettings.Greedy with { RepetitionPenalty = 1.2 },
        ];

        foreach (SamplingSettings settings in variants)
        {
            var sampler = new Sampler(settings, R1VocabularySize);
            for (int warmup = 0; warmup < 5; warmup++)
            {
                sampler.Sample(logits, previousTokens);
            }

            // Tiered JIT promotion can land inside one round on a busy machine and allocate once;
            // an allocation per call shows in every round, so the cleanest of five rounds must be zero.
            var rounds = new List<long>();
            for (int round = 0; round < 5 && (rounds.Count == 0 || rounds[^1] != 0); round++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int call = 0; call < 100; call++)
                {
                    sampler.Sample(logits, previousTokens);
                }

                rounds.Add(GC.GetAllocatedBytesForCurrentThread() - before);
            }

            Assert.True(rounds[^1] == 0, $"{settings}: {string.Join(", ", rounds)} bytes allocated over rounds of 100 calls");
        }
    }

    /// <summary>Hugging Face's warpers written out the slow way: full sorts, one stage after another.</summary>
    private static double[] ReferenceDistribution(float[] logits, double temperature, int topK, double topP, double minP)
    {
        double[] scores = logits.Select(logit => (double)(logit / (float)temperature)).ToArray();
        if (topK > 0)
        {
            double kthLargest = scores.OrderDescending().ElementAt(topK - 1);
            scores = scores.Select(score => score < kthLargest ? double.NegativeInfinity : score).ToArray();
        }

        if (topP < 1)
        {
            double[] probabilities = Distributions.Softmax(scores);
            int[] ascending = Enumerable.Range(0, scores.Length).OrderBy(token => scores[token]).ThenBy(token => token).ToArray();
            double cumulative = 0;
            for (int position = 0; position < ascending.Length - 1; position++)
            {
                cumulative += probabilities[ascending[position]];
                if (cumulative <= 1 - topP)
                {
                    scores[ascending[position]] = double.NegativeInfinity;
                }
            }
        }

        if (minP > 0)
        {
            double[] probabilities = Distributions.Softmax(scores);
            double top = probabilities.Max();
            scores = scores.Select((score, token) => probabilities[token] < minP * top ? double.NegativeInfinity : score).ToArray();
        }

        return Distributions.Softmax(scores);
    }

    private static float[] RandomLogits(int vocabularySize, double scale, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, vocabularySize)
            .Select(_ => (float)(scale * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())))
            .ToArray();
    }
}

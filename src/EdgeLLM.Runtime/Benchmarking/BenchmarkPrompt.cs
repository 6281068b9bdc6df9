using EdgeLLM.Format;
using EdgeLLM.Runtime.Sampling;
using EdgeLLM.Text.Tokenization;

namespace EdgeLLM.Runtime.Benchmarking;

/// <summary>
/// The benchmark's prompt: token ids drawn from a seeded generator over the tokenizer's vocabulary,
/// special ids excluded, so every engine given the same tokenizer and seed processes the same ids.
/// </summary>
public static class BenchmarkPrompt
{
    public const ulong DefaultSeed = 1234;

    public static int[] Create(TextTokenizer tokenizer, int count, ulong seed = DefaultSeed)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        int[] candidates = [.. Enumerable.Range(0, tokenizer.VocabularySize).Where(id => !tokenizer.IsSpecial(id) && tokenizer.IdToToken(id) is not null)];
        return Create(candidates, count, seed);
    }

    /// <summary><paramref name="count"/> ids drawn uniformly (with replacement) from <paramref name="candidates"/>.</summary>
    public static int[] Create(IReadOnlyList<int> candidates, int count, ulong seed = DefaultSeed)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (candidates.Count == 0)
        {
            throw new EdgeLlmException("the vocabulary has no ordinary token to draw a prompt from");
        }

        var random = new Xoshiro256StarStar(seed);
        int[] ids = new int[count];
        for (int i = 0; i < count; i++)
        {
            ids[i] = candidates[(int)(random.NextUInt64() % (ulong)candidates.Count)];
        }

        return ids;
    }
}

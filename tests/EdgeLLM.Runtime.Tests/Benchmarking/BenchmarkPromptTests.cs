using EdgeLLM.Format;
using EdgeLLM.Runtime.Benchmarking;
using EdgeLLM.Runtime.Tests.Text.Tokenization;
using EdgeLLM.Text.Tokenization;

namespace EdgeLLM.Runtime.Tests.Benchmarking;

public sealed class BenchmarkPromptTests
{
    [Fact]
    public void SameSeedGivesTheSameIdsAndAnotherSeedOthers()
    {
        TextTokenizer tokenizer = LoadedTokenizers.Get("r1-distill-qwen");

        int[] first = BenchmarkPrompt.Create(tokenizer, 128);
        int[] again = BenchmarkPrompt.Create(tokenizer, 128);
        int[] other = BenchmarkPrompt.Create(tokenizer, 128, seed: 99);

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.True(first.Distinct().Count() > 120, "128 draws from ~151k ids should barely repeat");
    }

    [Theory]
    [MemberData(nameof(LoadedTokenizers.TokenizerNames), MemberType = typeof(LoadedTokenizers))]
    public void IdsAreOrdinaryVocabularyTokens(string name)
    {
        TextTokenizer tokenizer = LoadedTokenizers.Get(name);

        int[] ids = BenchmarkPrompt.Create(tokenizer, 4096);

        Assert.All(ids, id =>
        {
            Assert.InRange(id, 0, tokenizer.VocabularySize - 1);
            Assert.False(tokenizer.IsSpecial(id));
        });
    }

    [Fact]
    public void DrawsOnlyFromTheCandidates()
    {
        int[] ids = BenchmarkPrompt.Create([5, 7], 200);

        Assert.Equal([5, 7], ids.Distinct().Order());
    }

    [Fact]
    public void EmptyVocabularyIsAnError()
        => Assert.Throws<EdgeLlmException>(() => BenchmarkPrompt.Create(Array.Empty<int>(), 4));
}

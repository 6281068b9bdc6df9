using EdgeLLM.Runtime.Sampling;

namespace EdgeLLM.Runtime.Tests.Sampling;

public sealed class PartialSelectionTests
{
    [Fact]
    public void MovesTheLargestKeysToTheEndForEveryLengthAndCount()
    {
        var random = new Random(5);
        for (int length = 1; length <= 130; length++)
        {
            for (int count = 1; count <= length; count++)
            {
                ulong[] keys = DistinctKeys(random, length, ascendingRun: length % 3 == 0);
                ulong[] sorted = keys.Order().ToArray();

                PartialSelection.SelectLargest(keys, count);

                Assert.Equal(sorted[(length - count)..], keys[(length - count)..].Order().ToArray());
                Assert.Equal(sorted[length - count], keys[length - count]);
                Assert.Equal(sorted[..(length - count)], keys[..(length - count)].Order().ToArray());
            }
        }
    }

    [Fact]
    public void HandlesSortedAndReversedInputsOfAVocabularySize()
    {
        ulong[] ascending = Enumerable.Range(0, 151936).Select(value => (ulong)value).ToArray();
        ulong[] descending = ascending.Reverse().ToArray();

        PartialSelection.SelectLargest(ascending, 40);
        PartialSelection.SelectLargest(descending, 40);

        Assert.Equal(151896UL, ascending[^40]);
        Assert.Equal(151896UL, descending[^40]);
        Assert.Equal(151896UL, ascending[^40..].Min());
        Assert.Equal(151895UL, descending[..^40].Max());
    }

    [Fact]
    public void RejectsACountOutsideTheSpan()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PartialSelection.SelectLargest(new ulong[3], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => PartialSelection.SelectLargest(new ulong[3], 4));
    }

    private static ulong[] DistinctKeys(Random random, int length, bool ascendingRun)
    {
        // Distinct like the sampler's (score, token) keys: random high bits, the index in the low bits.
        return Enumerable.Range(0, length)
            .Select(index => ((ascendingRun ? (ulong)index : (ulong)random.Next(0, 8)) << 32) | (uint)index)
            .ToArray();
    }
}

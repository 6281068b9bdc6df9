using EdgeLLM.Runtime.Sampling;

namespace EdgeLLM.Runtime.Tests.Sampling;

/// <summary>Known-answer vectors of the reference C code (Blackman and Vigna), as published with xoshiro256** and SplitMix64.</summary>
public sealed class Xoshiro256StarStarTests
{
    [Fact]
    public void MatchesTheReferenceOutputsFromStateOneTwoThreeFour()
    {
        var generator = new Xoshiro256StarStar(1, 2, 3, 4);
        ulong[] expected =
        [
            11520, 0, 1509978240, 1215971899390074240, 1216172134540287360,
            607988272756665600, 16172922978634559625, 8476171486693032832,
            10595114339597558777, 2904607092377533576,
        ];

        Assert.Equal(expected, expected.Select(_ => generator.NextUInt64()).ToArray());
    }

    [Fact]
    public void SplitMix64MatchesTheReferenceOutputsFromSeedZero()
    {
        ulong state = 0;

        Assert.Equal(0xE220A8397B1DCDAFUL, Xoshiro256StarStar.SplitMix64(ref state));
        Assert.Equal(0x6E789E6AA1B965F4UL, Xoshiro256StarStar.SplitMix64(ref state));
        Assert.Equal(0x06C45D188009454FUL, Xoshiro256StarStar.SplitMix64(ref state));
    }

    [Fact]
    public void SeedingExpandsTheSeedWithSplitMix64()
    {
        ulong state = 42;
        var expanded = new Xoshiro256StarStar(
            Xoshiro256StarStar.SplitMix64(ref state),
            Xoshiro256StarStar.SplitMix64(ref state),
            Xoshiro256StarStar.SplitMix64(ref state),
            Xoshiro256StarStar.SplitMix64(ref state));
        var seeded = new Xoshiro256StarStar(42);

        for (int step = 0; step < 100; step++)
        {
            Assert.Equal(expanded.NextUInt64(), seeded.NextUInt64());
        }
    }

    [Fact]
    public void DoublesAreInTheUnitIntervalAndUseTheTop53Bits()
    {
        var generator = new Xoshiro256StarStar(1, 2, 3, 4);

        Assert.Equal(5.0 / (1UL << 53), generator.NextDouble()); // 11520 >> 11 = 5
        Assert.Equal(0.0, generator.NextDouble());
        Assert.Equal((1509978240UL >> 11) / 9007199254740992.0, generator.NextDouble());
        var seeded = new Xoshiro256StarStar(7);
        for (int step = 0; step < 10000; step++)
        {
            double value = seeded.NextDouble();
            Assert.InRange(value, 0.0, Math.BitDecrement(1.0));
        }
    }

    [Fact]
    public void RejectsAnAllZeroState()
    {
        Assert.Throws<ArgumentException>(() => new Xoshiro256StarStar(0, 0, 0, 0));
    }
}

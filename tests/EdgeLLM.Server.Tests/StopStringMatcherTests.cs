using EdgeLLM.Server.Engine;

namespace EdgeLLM.Server.Tests;

/// <summary>Stop strings across pieces: held back only while they may still match, cut at the first, never inside a character.</summary>
public sealed class StopStringMatcherTests
{
    [Theory]
    [InlineData(new[] { "Hello wor", "ld. Bye" }, "world", "Hello ")]
    [InlineData(new[] { "a", "b", "c", "STO", "P", "tail" }, "STOP", "abc")]
    [InlineData(new[] { "no stop here" }, "XYZ", "no stop here")]
    [InlineData(new[] { "ST", "OX ST", "OP" }, "STOP", "STOX ")]
    [InlineData(new[] { "日本", "語です。", "終わり" }, "。", "日本語です")]
    [InlineData(new[] { "smile 😀", "😀 again" }, "😀 ag", "smile 😀")]
    public void ReleasesExactlyTheTextBeforeTheFirstStop(string[] pieces, string stop, string expected)
    {
        var matcher = new StopStringMatcher([stop, "NEVER"]);
        string released = string.Concat(pieces.Select(matcher.Push)) + matcher.Flush();

        Assert.Equal(expected, released);
        Assert.Equal(released != string.Concat(pieces), matcher.Stopped);
    }

    [Fact]
    public void HeldBackTextNeverEndsInHalfASurrogatePair()
    {
        var matcher = new StopStringMatcher(["\ude00X"]);

        string released = matcher.Push("a\ud83d\ude00");

        Assert.Equal("a", released);
        Assert.Equal("\ud83d\ude00", matcher.Flush());
    }

    [Fact]
    public void TheEarliestOfSeveralStopsWins()
    {
        var matcher = new StopStringMatcher(["cd", "b"]);

        Assert.Equal("a", matcher.Push("abcd"));
        Assert.True(matcher.Stopped);
        Assert.Equal("", matcher.Push("more"));
    }
}

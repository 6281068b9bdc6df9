using EdgeLLM.Text.Tokenization.PreTokenization;

namespace EdgeLLM.Runtime.Tests.Text.Tokenization.PreTokenization;

public sealed class Cl100kSplitPreTokenizerTests
{
    [Theory]
    [InlineData("Hello world", new[] { "Hello", " world" })]
    [InlineData("I'm they'LL", new[] { "I", "'m", " they", "'LL" })]
    [InlineData("12345", new[] { "123", "45" })]
    [InlineData("  x", new[] { " ", " x" })]
    [InlineData("a  \n\n b", new[] { "a", "  \n\n", " b" })]
    [InlineData("x   ", new[] { "x", "   " })]
    [InlineData("x \t y", new[] { "x", " \t", " y" })]
    [InlineData("\tword", new[] { "\tword" })]
    [InlineData("?!\r\n\r\nnext", new[] { "?!\r\n\r\n", "next" })]
    [InlineData(" ...x", new[] { " ...", "x" })]
    [InlineData("🦙abc", new[] { "🦙abc" })]              // one non-letter code point (a surrogate pair) before letters
    [InlineData("𝐀𝐁 c", new[] { "𝐀𝐁", " c" })]          // letters outside the BMP are letters
    [InlineData("x🦙🦙", new[] { "x", "🦙🦙" })]
    public void SplitsLikeTheLlama3Pattern(string text, string[] expected)
        => Assert.Equal(expected, Pieces(SplitPatterns.Llama3, text));

    [Fact]
    public void QwenPatternKeepsDigitsSingle()
        => Assert.Equal(["1", "2", "3", "4"], Pieces(SplitPatterns.Qwen, "1234"));

    [Fact]
    public void UnknownPatternsAreNotClaimed()
        => Assert.Null(Cl100kSplitPreTokenizer.ForPattern(@"\w+|\s+"));

    private static string[] Pieces(string pattern, string text)
        => [.. Cl100kSplitPreTokenizer.ForPattern(pattern)!.PreTokenize(text).Select(piece => text.Substring(piece.Offset, piece.Length))];
}

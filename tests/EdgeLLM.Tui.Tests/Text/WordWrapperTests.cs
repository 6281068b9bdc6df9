using EdgeLLM.Tui.Text;

namespace EdgeLLM.Tui.Tests.Text;

public sealed class WordWrapperTests
{
    [Fact]
    public void WrapsAtSpacesWithoutCarryingTheSpace()
        => Assert.Equal(["the quick", "brown fox", "jumps"], WordWrapper.Wrap("the quick brown fox jumps", 10));

    [Fact]
    public void CutsAWordLongerThanTheLine()
        => Assert.Equal(["abcde", "fghij", "k"], WordWrapper.Wrap("abcdefghijk", 5));

    [Fact]
    public void WideCharactersCountTwoColumns()
    {
        IReadOnlyList<string> rows = WordWrapper.Wrap("你好世界", 5);
        Assert.Equal(["你好", "世界"], rows);
        Assert.All(rows, row => Assert.True(WordWrapper.Columns(row) <= 5));
    }

    [Fact]
    public void AnEmptyParagraphIsOneEmptyRow()
        => Assert.Equal([string.Empty], WordWrapper.Wrap(string.Empty, 8));

    [Fact]
    public void EveryWidthKeepsEveryNonSpaceCharacter()
    {
        const string text = "Reasoning models think before they answer, then write the answer.";
        for (int width = 1; width <= 40; width++)
        {
            IReadOnlyList<string> rows = WordWrapper.Wrap(text, width);
            Assert.All(rows, row => Assert.True(row.Length <= width, $"width {width}: \"{row}\""));
            Assert.Equal(text.Replace(" ", string.Empty, StringComparison.Ordinal), string.Concat(rows).Replace(" ", string.Empty, StringComparison.Ordinal));
        }
    }
}

using EdgeLLM.Tui.Text;

namespace EdgeLLM.Tui.Tests.Text;

public sealed class RightToLeftTextTests
{
    [Theory]
    [InlineData("مرحبا بالعالم", true)]
    [InlineData("  «شالوم» hello", true)]
    [InlineData("שלום עולם", true)]
    [InlineData("Hello مرحبا", false)]
    [InlineData("123 ...", false)]
    [InlineData("", false)]
    public void TheFirstStrongCharacterDecidesTheParagraphDirection(string paragraph, bool expected)
        => Assert.Equal(expected, RightToLeftText.IsRightToLeft(paragraph));

    [Fact]
    public void ArabicWordsAreLaidOutFromTheRightWithTheirLettersReversed()
    {
        // Logical "سلام عليكم" (salam alaykum): the first word must end up at the right edge.
        string visual = RightToLeftText.ToVisualOrder("سلام عليكم");
        Assert.Equal("مكيلع مالس", visual);
    }

    [Fact]
    public void MarksStayOnTheirLetterAndNothingIsLost()
    {
        // Logical: meem+fatha, reh+sukun, hah+fatha, beh+fathatan, alef.
        const string logical = "\u0645\u064E\u0631\u0652\u062D\u064E\u0628\u064B\u0627";
        string visual = RightToLeftText.ToVisualOrder(logical);
        Assert.Equal("\u0627\u0628\u064B\u062D\u064E\u0631\u0652\u0645\u064E", visual);
        Assert.Equal(logical.Length, visual.Length);
        Assert.Equal(logical.Order(), visual.Order());
    }

    [Fact]
    public void EmbeddedLatinAndNumbersKeepTheirOwnOrder()
    {
        // "نموذج R1 بحجم 1.5B" → R1 and 1.5B read left to right inside the right-to-left line.
        string visual = RightToLeftText.ToVisualOrder("نموذج R1 بحجم 1.5B");
        Assert.Equal("1.5B مجحب R1 جذومن", visual);
    }

    [Fact]
    public void BracketsAreMirroredInsideRightToLeftRuns()
        => Assert.Equal("(بتك)", RightToLeftText.ToVisualOrder("(كتب)"));
}

using EdgeLLM.Text.Tokenization.Normalization;

namespace EdgeLLM.Runtime.Tests.Text.Tokenization.Normalization;

public sealed class NfcNormalizerTests
{
    [Theory]
    [InlineData("e\u0301", "\u00E9")]                       // composition
    [InlineData("\u212B", "\u00C5")]                         // singleton decomposition (Angstrom sign), never recomposed to itself
    [InlineData("A\u030A\u0301", "\u01FA")]                  // two-step composition
    [InlineData("a\u0323\u0302", "\u1EAD")]                  // marks in canonical order compose both
    [InlineData("a\u0302\u0323", "\u1EAD")]                  // out of order: reordered (ccc 220 before 230), then composed
    [InlineData("q\u0307\u0323", "q\u0323\u0307")]           // no composite: only reordered
    [InlineData("\u1100\u1161\u11A8", "\uAC01")]             // conjoining jamo compose to a syllable
    [InlineData("\u0915\u093C", "\u0915\u093C")]             // composition exclusion (क़ stays decomposed)
    [InlineData("\u0958", "\u0915\u093C")]                   // and the excluded character decomposes
    [InlineData("\uFB01", "\uFB01")]                         // compatibility ligature untouched by NFC
    [InlineData("plain ASCII and é", "plain ASCII and é")]
    [InlineData("\U0001D400\u0301", "\U0001D400\u0301")]     // astral letter with a mark
    public void NormalizesToCanonicalComposition(string input, string expected)
        => Assert.Equal(expected, NfcNormalizer.Instance.Normalize(input));

    [Fact]
    public void MarksAssignedAfterUnicode9KeepClassZeroAsHuggingFaceTokenizers()
    {
        // U+0EBA (Unicode 12) has class 9 today; the Unicode 9.0 tables Hugging Face uses leave it unordered.
        Assert.Equal("q\u030A\u0EBA", NfcNormalizer.Instance.Normalize("q\u030A\u0EBA"));
    }
}

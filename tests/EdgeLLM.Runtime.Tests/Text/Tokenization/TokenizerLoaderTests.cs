using EdgeLLM.Format;
using EdgeLLM.Tests.Shared;
using EdgeLLM.Text.Tokenization;

namespace EdgeLLM.Runtime.Tests.Text.Tokenization;

/// <summary>Bad tokenizer folders fail with one clear message naming the file.</summary>
public sealed class TokenizerLoaderTests
{
    [Fact]
    public void MissingTokenizerJsonNamesTheFile()
    {
        using TempFolder folder = TestPaths.CreateTemp();

        FileNotFoundException error = Assert.Throws<FileNotFoundException>(() => TokenizerLoader.Load(folder.Path));
        Assert.Contains(Path.Combine(folder.Path, "tokenizer.json"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedTokenizerJsonIsInvalidData()
    {
        using TempFolder folder = TestPaths.CreateTemp();
        byte[] real = File.ReadAllBytes(Path.Combine(TestPaths.Tokenizer("llama31"), "tokenizer.json"));
        File.WriteAllBytes(Path.Combine(folder.Path, "tokenizer.json"), real[..(real.Length / 2)]);

        EdgeLlmException error = Assert.Throws<EdgeLlmException>(() => TokenizerLoader.Load(folder.Path));
        Assert.Contains("tokenizer.json: not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnsupportedModelTypeIsNotSupported()
    {
        using TempFolder folder = TestPaths.CreateTemp();
        File.WriteAllText(Path.Combine(folder.Path, "tokenizer.json"), """{"model": {"type": "Unigram", "vocab": []}}""");

        EdgeLlmException error = Assert.Throws<EdgeLlmException>(() => TokenizerLoader.Load(folder.Path));
        Assert.Contains("model type 'Unigram' is not supported", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MergeOfUnknownPiecesIsInvalidData()
    {
        using TempFolder folder = TestPaths.CreateTemp();
        File.WriteAllText(
            Path.Combine(folder.Path, "tokenizer.json"),
            """{"model": {"type": "BPE", "vocab": {"a": 0, "b": 1}, "merges": ["a c"]}, "decoder": {"type": "ByteLevel"}}""");

        EdgeLlmException error = Assert.Throws<EdgeLlmException>(() => TokenizerLoader.Load(folder.Path));
        Assert.Contains("tokenizer.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ATokenizerJsonPathLoadsItsFolder()
    {
        string file = Path.Combine(TestPaths.Tokenizer("qwen3"), "tokenizer.json");

        Assert.Equal(151669, TokenizerLoader.Load(file).VocabularySize);
    }

    [Theory]
    [InlineData("-5", "added token '<|bad|>' has id -5, expected an integer in [0, 65543)")]
    [InlineData("2147483648", "added token '<|bad|>' has id 2147483648, expected an integer in [0, 65543)")]
    [InlineData("2147483647", "added token '<|bad|>' has id 2147483647, expected an integer in [0, 65543)")]
    [InlineData("\"7\"", "added token '<|bad|>' has id \"7\", expected an integer in [0, 65543)")]
    [InlineData("1.5", "added token '<|bad|>' has id 1.5, expected an integer in [0, 65543)")]
    public void AnAddedTokenIdOutsideTheVocabularyIsOneLineNamingTheToken(string id, string expected)
    {
        // Issue 16, items 6 and 13: a negative id was a stack trace (IndexOutOfRangeException), 2^31 a FormatException.
        using TempFolder folder = TestPaths.CreateTemp();
        File.WriteAllText(
            Path.Combine(folder.Path, "tokenizer.json"),
            "{\"added_tokens\": [{\"id\": " + id + ", \"content\": \"<|bad|>\", \"special\": true}], \"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0, \"b\": 1}, \"merges\": []}, \"decoder\": {\"type\": \"ByteLevel\"}}");

        EdgeLlmException error = Assert.Throws<EdgeLlmException>(() => TokenizerLoader.Load(folder.Path));
        Assert.Equal($"{Path.Combine(folder.Path, "tokenizer.json")}: {expected}", error.Message);
    }

    [Theory]
    [InlineData("42", "chat_template is a number, expected a string or a list of {\"name\", \"template\"} objects")]
    [InlineData("[{\"name\": \"default\", \"template\": 7}]", "chat_template[0] is {\"name\": \"default\", \"template\": 7}, expected an object with a string \"template\" (and a string \"name\")")]
    [InlineData("[\"{{ x }}\"]", "chat_template[0] is \"{{ x }}\", expected an object with a string \"template\" (and a string \"name\")")]
    public void AChatTemplateOfTheWrongShapeIsNamedNotReportedMissing(string template, string expected)
    {
        // Issue 16, item 13: a number was reported as a missing template; a list holding a non-string was a crash.
        using TempFolder folder = TestPaths.CreateTemp();
        File.Copy(Path.Combine(TestPaths.Tokenizer("qwen3"), "tokenizer.json"), Path.Combine(folder.Path, "tokenizer.json"));
        string config = Path.Combine(folder.Path, "tokenizer_config.json");
        File.WriteAllText(config, "{\"chat_template\": " + template + "}");

        EdgeLlmException error = Assert.Throws<EdgeLlmException>(() => TokenizerLoader.Load(folder.Path));
        Assert.Equal($"{config}: {expected}", error.Message);
    }
}

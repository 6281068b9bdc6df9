using EdgeLLM.Tests.Shared;

namespace EdgeLLM.Cli.Tests.Commands;

/// <summary><c>edgellm tokenize</c> run in-process against the reference ids.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class TokenizeCommandTests
{
    [Fact]
    public void JsonOutputHoldsTheReferenceIdsAndTokens()
    {
        (int exitCode, string output, string error) = Run(["tokenize", "-m", TestPaths.Tokenizer("qwen3"), "-p", "Hello, world!", "--json"]);

        Assert.Equal(0, exitCode);
        Assert.Equal("", error);
        Assert.Equal("{\"ids\":[9707,11,1879,0],\"tokens\":[\"Hello\",\",\",\"Ġworld\",\"!\"]}\n", output);
    }

    [Fact]
    public void SpecialAddsTheBosAndLinesShowEachTokensText()
    {
        (int exitCode, string output, _) = Run(["tokenize", "-m", TestPaths.Tokenizer("r1-distill-qwen"), "-p", "Hello, world!", "--special"]);

        Assert.Equal(0, exitCode);
        Assert.Equal(
            "151646 -> '<｜begin▁of▁sentence｜>'\n  9707 -> 'Hello'\n    11 -> ','\n  1879 -> ' world'\n     0 -> '!'\n",
            output);
    }

    [Fact]
    public void TextComesFromStdinWithoutPrompt()
    {
        (int exitCode, string output, _) = Run(["tokenize", "-m", TestPaths.Tokenizer("llama31"), "--json"], stdin: "Hello, world!");

        Assert.Equal(0, exitCode);
        Assert.StartsWith("{\"ids\":[9906,11,1917,0],", output, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingTokenizerJsonIsOneLineError()
    {
        using TempFolder folder = TestPaths.CreateTemp();
        (int exitCode, string output, string error) = Run(["tokenize", "-m", folder.Path, "-p", "x"]);

        Assert.Equal(1, exitCode);
        Assert.Equal("", output);
        Assert.StartsWith("edgellm tokenize: error: ", error, StringComparison.Ordinal);
        Assert.Contains("tokenizer.json", error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
    }

    private static (int ExitCode, string Output, string Error) Run(string[] arguments, string stdin = "") => CliRunner.Run(arguments, stdin);
}

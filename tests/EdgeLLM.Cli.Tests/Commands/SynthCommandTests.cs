using EdgeLLM.Quantize.Tests.Synthetic;
using EdgeLLM.Tests.Shared;

namespace EdgeLLM.Cli.Tests.Commands;

/// <summary><c>edgellm synth</c> run in-process through Program.Main (console redirected, so not in parallel).</summary>
[Collection(ConsoleCollection.Name)]
public sealed class SynthCommandTests
{
    [Fact]
    public void WritesTheCheckpointAndSaysTheWeightsAreSynthetic()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string output = Path.Combine(temp.Path, "qwen3");
        (int exitCode, string stdout, string stderr) = Run("synth", "--shape", "tiny-qwen3", "--tokenizer", TestTokenizers.ForShape("tiny-qwen3"), "-o", output, "--dtype", "fp16");

        Assert.Equal(0, exitCode);
        Assert.Equal(string.Empty, stderr);
        Assert.Contains("24 tensors, 39,880,960 bytes in 1 file(s)", stdout, StringComparison.Ordinal);
        Assert.Contains("SYNTHETIC", stdout, StringComparison.Ordinal);
        Assert.Contains("\"torch_dtype\": \"float16\"", File.ReadAllText(Path.Combine(output, "config.json")), StringComparison.Ordinal);
    }

    [Fact]
    public void MissingTokenizerJsonFailsWithOneLine()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string output = Path.Combine(temp.Path, "out");
        AssertFailsWithOneLine(temp.Path, output, $"has no tokenizer.json", "synth", "--shape", "tiny-qwen3", "--tokenizer", temp.Path, "-o", output);
    }

    [Fact]
    public void UnwritableOutputFailsWithOneLine()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string blocker = Path.Combine(temp.Path, "a-file");
        File.WriteAllText(blocker, string.Empty);
        string output = Path.Combine(blocker, "out");
        AssertFailsWithOneLine(temp.Path, output, "cannot write output folder", "synth", "--shape", "tiny-qwen3", "--tokenizer", TestTokenizers.ForShape("tiny-qwen3"), "-o", output);
    }

    [Fact]
    public void UnknownShapeFailsWithOneLine()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string output = Path.Combine(temp.Path, "out");
        AssertFailsWithOneLine(temp.Path, output, "unknown shape 'tiny-gpt' (known: tiny-r1-qwen2,", "synth", "--shape", "tiny-gpt", "--tokenizer", temp.Path, "-o", output);
    }

    [Fact]
    public void UnknownDtypeFailsWithOneLine()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string output = Path.Combine(temp.Path, "out");
        AssertFailsWithOneLine(temp.Path, output, "--dtype 'int4' is not one of bf16, fp16, fp32", "synth", "--shape", "tiny-qwen3", "--tokenizer", TestTokenizers.ForShape("tiny-qwen3"), "-o", output, "--dtype", "int4");
    }

    [Fact]
    public void NonEmptyOutputWithoutForceFailsWithOneLine()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string output = OutputFolders.CreateNonEmpty(temp.Path, "keep.txt");
        (int exitCode, _, string stderr) = Run("synth", "--shape", "tiny-qwen3", "--tokenizer", TestTokenizers.ForShape("tiny-qwen3"), "-o", output);

        Assert.Equal(1, exitCode);
        Assert.Equal($"edgellm synth: error: output folder '{output}' exists and is not empty (replace it only by forcing)", stderr.TrimEnd('\n'));
        Assert.Equal(["keep.txt"], Directory.GetFileSystemEntries(output).Select(Path.GetFileName));
    }

    private static void AssertFailsWithOneLine(string parent, string output, string expected, params string[] args)
    {
        string[] before = Directory.GetFileSystemEntries(parent);
        (int exitCode, string stdout, string stderr) = Run(args);

        Assert.Equal(1, exitCode);
        Assert.Equal(string.Empty, stdout);
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("edgellm synth: error: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
        Assert.Equal(before, Directory.GetFileSystemEntries(parent));
    }

    private static (int ExitCode, string Stdout, string Stderr) Run(params string[] args) => CliRunner.Run(args);
}

using EdgeLLM.Quantize.Tests.Architectures;
using EdgeLLM.Quantize.Tests.Synthetic;
using EdgeLLM.Tests.Shared;

namespace EdgeLLM.Cli.Tests.Commands;

/// <summary><c>edgellm gguf export</c> in-process: the summary line, and one-line errors that leave no output behind.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class GgufCommandTests
{
    [Fact]
    public void ExportWritesOneFileAndRefusesToReplaceItWithoutForce()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string checkpoint = Synthesize(temp);
        string output = Path.Combine(temp.Path, "model.gguf");

        (int exitCode, string stdout, string stderr) = CliRunner.Run("gguf", "export", checkpoint, "-o", output, "--type", "q4_0");
        Assert.Equal(0, exitCode);
        Assert.Equal(string.Empty, stderr);
        Assert.StartsWith($"gguf export: wrote {output}: qwen2 q4_0, 27 tensors, ", stdout, StringComparison.Ordinal);
        long length = new FileInfo(output).Length;

        (exitCode, _, stderr) = CliRunner.Run("gguf", "export", checkpoint, "-o", output, "--type", "f16");
        Assert.Equal(1, exitCode);
        Assert.Equal($"edgellm gguf export: error: output file '{output}' exists (replace it only by forcing)", stderr.TrimEnd());
        Assert.Equal(length, new FileInfo(output).Length);

        Assert.Equal(0, CliRunner.Run("gguf", "export", checkpoint, "-o", output, "--type", "f16", "--force").ExitCode);
        Assert.True(new FileInfo(output).Length > length);
        Assert.Equal(["model.gguf"], Directory.GetFiles(temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void BadInputIsOneErrorLineAndNoFile()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string checkpoint = Synthesize(temp);
        string output = Path.Combine(temp.Path, "model.gguf");

        (int exitCode, _, string stderr) = CliRunner.Run("gguf", "export", checkpoint, "-o", output, "--type", "q5_k");
        Assert.Equal(1, exitCode);
        Assert.Equal("edgellm gguf export: error: GGUF type must be one of f16, q8_0, q4_0, got 'q5_k'", stderr.TrimEnd());

        File.Delete(Path.Combine(checkpoint, "tokenizer.json"));
        (exitCode, _, stderr) = CliRunner.Run("gguf", "export", checkpoint, "-o", output);
        Assert.Equal(1, exitCode);
        Assert.Single(stderr.TrimEnd().Split('\n'));
        Assert.Contains("no tokenizer.json", stderr, StringComparison.Ordinal);

        (exitCode, _, stderr) = CliRunner.Run("gguf", "export", Path.Combine(temp.Path, "missing"), "-o", output);
        Assert.Equal(1, exitCode);
        Assert.StartsWith("edgellm gguf export: error: checkpoint folder", stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(temp.Path));
    }

    private static string Synthesize(TempFolder temp)
    {
        string checkpoint = Path.Combine(temp.Path, "hf");
        Assert.Equal(0, CliRunner.Run("synth", "--shape", TinyModels.Qwen2, "--tokenizer", TestTokenizers.ForShape(TinyModels.Qwen2), "-o", checkpoint).ExitCode);
        return checkpoint;
    }
}

using System.Text.Json;
using EdgeLLM.Quantize.Tests.Architectures;
using EdgeLLM.Quantize.Tests.Synthetic;
using EdgeLLM.Tests.Shared;

namespace EdgeLLM.Quantize.Tests.Conversion;

/// <summary><c>edgellm quantize</c> in-process with stdout redirected: plain summary lines, no progress bar.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class QuantizeCommandTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RedirectedOutputGetsTheSummaryLinesAndNoProgressBar(bool quiet)
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string checkpoint = Path.Combine(temp.Path, "hf");
        string output = Path.Combine(temp.Path, "int4");
        Assert.Equal(0, InProcessCli.Run("synth", "--shape", TinyModels.Qwen2, "--tokenizer", TestTokenizers.ForShape(TinyModels.Qwen2), "-o", checkpoint).ExitCode);
        string[] arguments = ["quantize", checkpoint, "-o", output, "--precision", "int4"];
        (int exitCode, string stdout, string stderr) = InProcessCli.Run(quiet ? [.. arguments, "--quiet"] : arguments);

        Assert.Equal(0, exitCode);
        Assert.Equal(string.Empty, stderr);
        string[] lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith($"quantize: wrote {output}: qwen2 int4, context 4096", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("quantize: 11 tensors quantized", lines[1], StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', stdout);
        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(output, "edgellm.json")));
        Assert.Contains(
            manifest.RootElement.GetProperty("source").GetProperty("files").EnumerateArray(),
            file => file.GetProperty("name").GetString() == "model.safetensors.index.json");
    }
}

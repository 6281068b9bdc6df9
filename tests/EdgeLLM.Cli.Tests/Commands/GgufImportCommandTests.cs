using EdgeLLM.Quantize.Tests.Gguf;
using EdgeLLM.Quantize.Tests.Synthetic;
using EdgeLLM.Tests.Shared;

namespace EdgeLLM.Cli.Tests.Commands;

/// <summary><c>edgellm quantize &lt;file.gguf&gt;</c> on damaged files: one error line, exit 1, no output folder.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class GgufImportCommandTests
{
    public static TheoryData<string> Damages => new() { "truncated", "bad-magic", "huge-tensor-count", "tensor-past-end", "unknown-type" };

    [Theory]
    [MemberData(nameof(Damages))]
    public void DamagedGgufIsOneLineExitOneAndNoOutputFolder(string damage)
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string path = Path.Combine(temp.Path, $"{damage}.gguf");
        byte[] valid = new RawGguf().Build();
        File.WriteAllBytes(path, damage switch
        {
            "truncated" => valid[..(valid.Length / 3)],
            "bad-magic" => new RawGguf { Magic = 0x12345678 }.Build(),
            "huge-tensor-count" => new RawGguf { TensorCountOverride = 1UL << 60 }.Build(),
            "tensor-past-end" => new RawGguf { LastTensorOffsetOverride = 1UL << 40 }.Build(),
            _ => new RawGguf { FirstTensorTypeOverride = 99 }.Build(),
        });
        string output = Path.Combine(temp.Path, "out");

        (int exitCode, string stdout, string stderr) = CliRunner.Run("quantize", path, "-o", output, "-q");

        Assert.Equal(1, exitCode);
        Assert.Equal(string.Empty, stdout);
        string[] lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("edgellm quantize: error: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(path, lines[0], StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
        Assert.Empty(Directory.GetDirectories(temp.Path));
    }
}

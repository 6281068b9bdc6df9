using System.Text.Json;
using EdgeLLM.Quantize.Tests.Architectures;
using EdgeLLM.Quantize.Tests.Synthetic;
using EdgeLLM.Tests.Shared;

namespace EdgeLLM.Cli.Tests.Commands;

/// <summary>
/// <c>edgellm quantize</c> never writes a half-runnable folder: a checkpoint without tokenizer.json, or whose
/// config sets a math-changing key EdgeLLM does not implement, is one line on stderr, exit 1, and no output
/// folder. A YaRN checkpoint converts and says what it did with the scaling.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class QuantizeRefusalTests
{
    [Fact]
    public void CheckpointWithoutTokenizerIsRefusedBeforeAnyOutput()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string checkpoint = Synthesize(temp.Path, TinyModels.Qwen3);
        File.Delete(Path.Combine(checkpoint, "tokenizer.json"));
        AssertRefused(checkpoint, Path.Combine(temp.Path, "out"), "tokenizer.json");
    }

    [Theory]
    [InlineData(TinyModels.Qwen2, "\"use_sliding_window\": false", "\"use_sliding_window\": true", "use_sliding_window")]
    [InlineData(TinyModels.Qwen3, "\"rope_scaling\": null", "\"rope_scaling\": {\"rope_type\": \"dynamic\", \"factor\": 2.0}", "dynamic")]
    [InlineData(TinyModels.Llama31, "\"mlp_bias\": false", "\"mlp_bias\": true", "mlp_bias")]
    public void ConfigWithAnUnimplementedKeyIsRefusedWithNoOutputFolder(string model, string from, string to, string named)
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string checkpoint = Synthesize(temp.Path, model);
        string config = Path.Combine(checkpoint, "config.json");
        string text = File.ReadAllText(config);
        Assert.Contains(from, text, StringComparison.Ordinal);
        File.WriteAllText(config, text.Replace(from, to, StringComparison.Ordinal));
        AssertRefused(checkpoint, Path.Combine(temp.Path, "out"), named);
    }

    [Fact]
    public void YarnCheckpointWithAttnFactorConvertsRecordsTheScalingAndSaysAttnFactorIsNotApplied()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string checkpoint = Synthesize(temp.Path, TinyModels.Qwen3Yarn);
        string config = Path.Combine(checkpoint, "config.json");
        // R1-0528-Qwen3-8B's rope_scaling block exactly, attn_factor included.
        File.WriteAllText(config, File.ReadAllText(config).Replace(
            "\"original_max_position_embeddings\": 32768",
            "\"original_max_position_embeddings\": 32768,\n    \"attn_factor\": 0.8782488562869419",
            StringComparison.Ordinal));
        string output = Path.Combine(temp.Path, "out");

        (int exitCode, string stdout, string stderr) = CliRunner.Run("quantize", checkpoint, "-o", output, "--precision", "int8", "--max-context", "256");

        Assert.Equal(0, exitCode);
        Assert.Equal(string.Empty, stderr);
        Assert.Contains(
            "quantize: YaRN RoPE factor 4 from 32768 positions, cos/sin scaled by 1.13863 (transformers' attention factor); rope_scaling.attn_factor 0.878249 is not applied (transformers and llama.cpp ignore it; vLLM would multiply it in)",
            stdout.Split('\n'));
        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(output, "edgellm.json")));
        JsonElement rope = manifest.RootElement.GetProperty("model").GetProperty("rope");
        Assert.Equal("yarn", rope.GetProperty("type").GetString());
        Assert.Equal(4.0, rope.GetProperty("factor").GetDouble());
        Assert.Equal(32768, rope.GetProperty("original_max_position_embeddings").GetInt32());
        Assert.Equal(1.138629436111989, rope.GetProperty("attention_scale").GetDouble(), 12);
        Assert.Equal(0.8782488562869419, rope.GetProperty("attn_factor_not_applied").GetDouble());
    }

    private static string Synthesize(string root, string shape)
    {
        string checkpoint = Path.Combine(root, "hf");
        Assert.Equal(0, CliRunner.Run("synth", "--shape", shape, "--tokenizer", TestTokenizers.ForShape(shape), "-o", checkpoint).ExitCode);
        return checkpoint;
    }

    private static void AssertRefused(string checkpoint, string output, string named)
    {
        (int exitCode, string stdout, string stderr) = CliRunner.Run("quantize", checkpoint, "-o", output, "--precision", "int4");
        Assert.Equal(1, exitCode);
        Assert.Equal(string.Empty, stdout);
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(named, line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output), "a refused conversion left an output folder");
        Assert.DoesNotContain(Directory.GetDirectories(Path.GetDirectoryName(output)!), folder => Path.GetFileName(folder) != "hf");
    }
}

using System.Text.Json;
using EdgeLLM.Quantize.Onnx.Proto;
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
        Assert.StartsWith($"quantize: wrote {output}: qwen2 int4, context 4096, logits last,", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("quantize: 12 tensors quantized", lines[1], StringComparison.Ordinal); // 2 layers × 5 (qkv fused), lm_head, the int8 embedding
        Assert.DoesNotContain('\u001b', stdout);
        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(output, "edgellm.json")));
        Assert.Contains(
            manifest.RootElement.GetProperty("source").GetProperty("files").EnumerateArray(),
            file => file.GetProperty("name").GetString() == "model.safetensors.index.json");
    }

    [Fact]
    public void Defaults_LastPositionLogitsAndAnInt8LmHeadInBlocksOf256()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string output = Quantize(temp.Path, "int4");

        GraphProto graph = ModelFiles.Load(output).Graph;
        Assert.All(MatMulNBits(graph, name => !name.StartsWith("lm_head", StringComparison.Ordinal)), node => Assert.Equal(32, ModelFiles.Attribute(node, "block_size")));
        NodeProto lmHead = Assert.Single(MatMulNBits(graph, name => name.StartsWith("lm_head", StringComparison.Ordinal)));
        Assert.Equal(8, ModelFiles.Attribute(lmHead, "bits"));
        Assert.Equal(256, ModelFiles.Attribute(lmHead, "block_size"));

        // Logits for the last position only: [batch, 1, vocab].
        ValueInfoProto logits = graph.Output.Single(value => value.Name == "logits");
        Assert.Equal(1, logits.Type.TensorType.Shape.Dim[1].DimValue);

        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(output, "edgellm.json")));
        JsonElement quantization = manifest.RootElement.GetProperty("quantization");
        Assert.Equal(32, quantization.GetProperty("block_size").GetInt32());
        Assert.Equal(32, quantization.GetProperty("mlp_block_size").GetInt32());
        Assert.Equal(256, quantization.GetProperty("lm_head_block_size").GetInt32());
    }

    [Fact]
    public void BlockSizeOptions_ReachEachPartsMatMulNBitsAndTheManifest()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string output = Quantize(temp.Path, "int4", "--mlp-block-size", "64", "--lm-head-block-size", "16", "--logits", "all");

        GraphProto graph = ModelFiles.Load(output).Graph;
        NodeProto[] mlp = [.. MatMulNBits(graph, name => name.Contains(".mlp.", StringComparison.Ordinal))];
        NodeProto[] attention = [.. MatMulNBits(graph, name => name.Contains(".self_attn.", StringComparison.Ordinal))];
        Assert.NotEmpty(mlp);
        Assert.NotEmpty(attention);
        Assert.All(mlp, node => Assert.Equal(64, ModelFiles.Attribute(node, "block_size")));
        Assert.All(attention, node => Assert.Equal(32, ModelFiles.Attribute(node, "block_size")));
        Assert.Equal(16, ModelFiles.Attribute(Assert.Single(MatMulNBits(graph, name => name.StartsWith("lm_head", StringComparison.Ordinal))), "block_size"));
        Assert.Equal(0, graph.Output.Single(value => value.Name == "logits").Type.TensorType.Shape.Dim[1].DimValue);

        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(output, "edgellm.json")));
        JsonElement quantization = manifest.RootElement.GetProperty("quantization");
        Assert.Equal(64, quantization.GetProperty("mlp_block_size").GetInt32());
        Assert.Equal(16, quantization.GetProperty("lm_head_block_size").GetInt32());
        JsonElement[] tensors = [.. quantization.GetProperty("tensors").EnumerateArray()];
        Assert.All(
            tensors.Where(tensor => tensor.GetProperty("name").GetString()!.Contains(".mlp.", StringComparison.Ordinal)),
            tensor => Assert.Equal(64, tensor.GetProperty("block_size").GetInt32()));
    }

    [Theory]
    [InlineData("--mlp-block-size", "48")]
    [InlineData("--lm-head-block-size", "512")]
    public void UnsupportedPartBlockSize_IsOneLineError(string option, string value)
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string checkpoint = Synth(temp.Path);
        (int exitCode, _, string stderr) = InProcessCli.Run("quantize", checkpoint, "-o", Path.Combine(temp.Path, "out"), "--precision", "int4", option, value);

        Assert.Equal(1, exitCode);
        Assert.Equal($"edgellm quantize: error: {option} must be 16, 32, 64, 128 or 256, not {value}", stderr.Trim());
        Assert.False(Directory.Exists(Path.Combine(temp.Path, "out")));
    }

    private static string Synth(string folder)
    {
        string checkpoint = Path.Combine(folder, "hf");
        Assert.Equal(0, InProcessCli.Run("synth", "--shape", TinyModels.Qwen2, "--tokenizer", TestTokenizers.ForShape(TinyModels.Qwen2), "-o", checkpoint).ExitCode);
        return checkpoint;
    }

    private static string Quantize(string folder, string precision, params string[] options)
    {
        string checkpoint = Synth(folder);
        string output = Path.Combine(folder, precision);
        (int exitCode, _, string stderr) = InProcessCli.Run(["quantize", checkpoint, "-o", output, "--precision", precision, "--quiet", .. options]);
        Assert.True(exitCode == 0, stderr);
        return output;
    }

    private static IEnumerable<NodeProto> MatMulNBits(GraphProto graph, Func<string, bool> nameMatches)
        => graph.Node.Where(node => node.OpType == "MatMulNBits" && nameMatches(node.Name));
}

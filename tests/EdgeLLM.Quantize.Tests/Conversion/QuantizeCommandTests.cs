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
        Assert.Equal(0, CliRunner.Run("synth", "--shape", TinyModels.Qwen2, "--tokenizer", TestTokenizers.ForShape(TinyModels.Qwen2), "-o", checkpoint).ExitCode);
        string[] arguments = ["quantize", checkpoint, "-o", output, "--precision", "int4"];
        (int exitCode, string stdout, string stderr) = CliRunner.Run(quiet ? [.. arguments, "--quiet"] : arguments);

        Assert.Equal(0, exitCode);
        Assert.Equal(string.Empty, stderr);
        string[] lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith($"quantize: wrote {output}: qwen2 int4, context 4096, logits last,", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("quantize: 12 tensors quantized", lines[1], StringComparison.Ordinal); // 2 layers × 5 (qkv fused), lm_head, the int8 embedding
        Assert.StartsWith("quantize: 4.500 bits per weight in the decoder's linear layers, ", lines[2], StringComparison.Ordinal);
        Assert.EndsWith("(llama.cpp: Q4_0 4.5, Q4_K_M ≈ 4.85)", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("quantize: scale search of 11 weights weighted by activation importance, GPTQ rounding on 8 of them, from ", lines[3], StringComparison.Ordinal);
        Assert.EndsWith(" tokens of the built-in calibration text", lines[3].TrimEnd('\r'), StringComparison.Ordinal);
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

    /// <summary>
    /// Bits per weight from the layout alone: int4 block 32 with an fp16 scale (the default) is 4 + 16/32 = 4.5 bits, with
    /// an fp32 scale 4 + 32/32 = 5; block 64 with 4-bit zero points 4 + 16/64 + 4/64 = 4.3125 (fp32 scales 4.5625);
    /// lm_head keeps fp32 scales; the int8 lm_head in blocks of 256 over rows of 128 stores one padded block per row,
    /// (256 + 4 [+ 1 zero point]) bytes per 128 weights = 16.25 (16.3125); the folder
    /// figure is the weight file over every parameter of the checkpoint (counted from its tensors here).
    /// </summary>
    [Theory]
    [InlineData(new string[0], 4.5, 16.25)]
    [InlineData(new[] { "--scale-type", "fp32" }, 5.0, 16.25)]
    [InlineData(new[] { "--block-size", "64", "--asymmetric" }, 4.3125, 16.3125)]
    [InlineData(new[] { "--block-size", "64", "--asymmetric", "--scale-type", "fp32" }, 4.5625, 16.3125)]
    public void ManifestRecordsBitsPerWeightPerTensorForTheLinearLayersAndTheFolder(string[] options, double linearBits, double lmHeadBits)
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string output = Quantize(temp.Path, "int4", options);

        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(output, "edgellm.json")));
        JsonElement quantization = manifest.RootElement.GetProperty("quantization");
        JsonElement bits = quantization.GetProperty("bits_per_weight");
        Assert.Equal(linearBits, bits.GetProperty("linear").GetDouble());
        Assert.Equal(4.5, bits.GetProperty("llama_cpp_q4_0").GetDouble());
        Assert.Equal(4.85, bits.GetProperty("llama_cpp_q4_k_m").GetDouble());
        foreach (JsonElement tensor in quantization.GetProperty("tensors").EnumerateArray())
        {
            string name = tensor.GetProperty("name").GetString()!;
            if (name.StartsWith("model.embed_tokens", StringComparison.Ordinal))
            {
                // The untied embedding (int8 by default): its bits plus an fp32 scale and, asymmetric, a zero point per block.
                int valueBits = tensor.GetProperty("bits").GetInt32();
                int blockSize = tensor.GetProperty("block_size").GetInt32();
                int zeroPointBits = tensor.GetProperty("symmetric").GetBoolean() ? 0 : valueBits;
                Assert.Equal(valueBits + ((32.0 + zeroPointBits) / blockSize), tensor.GetProperty("bits_per_weight").GetDouble());
                continue;
            }

            bool lmHead = name.StartsWith("lm_head", StringComparison.Ordinal);
            Assert.Equal(lmHead ? lmHeadBits : linearBits, tensor.GetProperty("bits_per_weight").GetDouble());
        }

        using var checkpoint = EdgeLLM.Quantize.Checkpoints.CheckpointFolder.Open(Path.Combine(temp.Path, "hf"));
        long parameters = checkpoint.TensorNames.Sum(name => checkpoint.GetTensor(name).ElementCount);
        double folder = 8.0 * manifest.RootElement.GetProperty("weights_bytes").GetInt64() / parameters;
        Assert.Equal(Math.Round(folder, 4), bits.GetProperty("folder").GetDouble());
    }

    [Theory]
    [InlineData("--mlp-block-size", "48")]
    [InlineData("--lm-head-block-size", "512")]
    public void UnsupportedPartBlockSize_IsOneLineError(string option, string value)
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string checkpoint = Synth(temp.Path);
        (int exitCode, _, string stderr) = CliRunner.Run("quantize", checkpoint, "-o", Path.Combine(temp.Path, "out"), "--precision", "int4", option, value);

        Assert.Equal(1, exitCode);
        Assert.Equal($"edgellm quantize: error: {option} must be 16, 32, 64, 128 or 256, not {value}", stderr.Trim());
        Assert.False(Directory.Exists(Path.Combine(temp.Path, "out")));
    }

    private static string Synth(string folder)
    {
        string checkpoint = Path.Combine(folder, "hf");
        Assert.Equal(0, CliRunner.Run("synth", "--shape", TinyModels.Qwen2, "--tokenizer", TestTokenizers.ForShape(TinyModels.Qwen2), "-o", checkpoint).ExitCode);
        return checkpoint;
    }

    private static string Quantize(string folder, string precision, params string[] options)
    {
        string checkpoint = Synth(folder);
        string output = Path.Combine(folder, precision);
        (int exitCode, _, string stderr) = CliRunner.Run(["quantize", checkpoint, "-o", output, "--precision", precision, "--quiet", .. options]);
        Assert.True(exitCode == 0, stderr);
        return output;
    }

    private static IEnumerable<NodeProto> MatMulNBits(GraphProto graph, Func<string, bool> nameMatches)
        => graph.Node.Where(node => node.OpType == "MatMulNBits" && nameMatches(node.Name));
}

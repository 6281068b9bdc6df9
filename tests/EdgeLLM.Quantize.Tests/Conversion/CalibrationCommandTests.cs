using System.Text.Json;
using EdgeLLM.Quantize.Tests.Architectures;
using EdgeLLM.Quantize.Tests.Synthetic;
using EdgeLLM.Tests.Shared;

namespace EdgeLLM.Quantize.Tests.Conversion;

/// <summary>
/// <c>quantize --calibration</c>: a missing or empty text, or one combined with <c>--no-calibration</c> or with fp32,
/// is one line and exit 1 with no output; a calibrated int4 conversion says so, records the text and token count in
/// edgellm.json, changes the scales, and leaves no full-precision scratch copy anywhere. <c>--gptq</c> is refused
/// alike, and a GPTQ conversion records how many weights it rounded and writes other codes in the same layout. Without
/// any of these options an int4 conversion runs the built-in text with GPTQ on every weight but the down projections.
/// </summary>
[Collection(nameof(ConsoleCollection))]
public sealed class CalibrationCommandTests
{
    [Theory]
    [InlineData("missing.txt", null, "does not exist")]
    [InlineData("empty.txt", "", "is empty")]
    [InlineData("blank.txt", " \n\t\n", "is empty")]
    public void UnusableCalibrationTextIsOneLineAndNoOutput(string name, string? content, string expected)
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string checkpoint = Synthesize(temp.Path);
        string text = Path.Combine(temp.Path, name);
        if (content is not null)
        {
            File.WriteAllText(text, content);
        }

        AssertRefused(temp.Path, [checkpoint, "-o", Path.Combine(temp.Path, "out"), "--precision", "int4", "--calibration", text], expected, name);
    }

    [Theory]
    [InlineData("--calibration", "int4", "--no-calibration", "--calibration and --no-calibration exclude each other")]
    [InlineData("--calibration", "fp32", null, "--calibration applies to --precision int4 or int8")]
    [InlineData("--gptq", "int4", "--no-calibration", "--gptq and --no-calibration exclude each other")]
    [InlineData("--gptq", "fp16", null, "--gptq applies to --precision int4 or int8")]
    [InlineData("--gptq", "int4", "--no-gptq", "--gptq and --no-gptq exclude each other")]
    public void CalibrationOrGptqWithoutAQuantizedPrecisionOrWithNoCalibrationIsRefused(string option, string precision, string? extra, string expected)
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string checkpoint = Synthesize(temp.Path);
        string text = Path.Combine(temp.Path, "text.txt");
        File.WriteAllText(text, "A short calibration text with a few words in it.");
        string[] optionArgs = option == "--calibration" ? [option, text] : [option];
        string[] args = [checkpoint, "-o", Path.Combine(temp.Path, "out"), "--precision", precision, .. optionArgs, .. extra is null ? Array.Empty<string>() : [extra]];
        AssertRefused(temp.Path, args, expected, option);
    }

    [Fact]
    public void CalibratedConversionRecordsItsTextAndLeavesNoScratchCopy()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string checkpoint = Synthesize(temp.Path);
        string text = Path.Combine(temp.Path, "text.txt");
        File.WriteAllText(text, "The quick brown fox jumps over the lazy dog. 1 + 2 = 3. def f(x): return x * x\n");
        string calibrated = Path.Combine(temp.Path, "calibrated");
        string plain = Path.Combine(temp.Path, "plain");

        (int exitCode, string stdout, string stderr) = CliRunner.Run("quantize", checkpoint, "-o", calibrated, "--precision", "int4", "--calibration", text, "--no-gptq", "--max-context", "256");
        Assert.True(exitCode == 0, stderr);
        Assert.Contains("quantize: scale search of 11 weights weighted by activation importance from ", stdout, StringComparison.Ordinal);
        Assert.Contains("calibration text text.txt", stdout, StringComparison.Ordinal);
        Assert.Equal(0, CliRunner.Run("quantize", checkpoint, "-o", plain, "--precision", "int4", "--no-calibration", "--max-context", "256").ExitCode);

        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(calibrated, "edgellm.json")));
        JsonElement calibration = manifest.RootElement.GetProperty("quantization").GetProperty("calibration");
        Assert.Equal("text.txt", calibration.GetProperty("text").GetString());
        Assert.True(calibration.GetProperty("tokens").GetInt64() > 10);

        // 2 layers × q|k|v (packed), o, gate, up, down, and the untied lm_head: the weights the graph has (the table also
        // names the DirectML graph's q, k, v).
        Assert.Equal((2 * 5) + 1, calibration.GetProperty("weighted_tensors").GetInt32());
        Assert.Equal(0, calibration.GetProperty("gptq_tensors").GetInt32());
        using JsonDocument plainManifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(plain, "edgellm.json")));
        Assert.Equal(JsonValueKind.Null, plainManifest.RootElement.GetProperty("quantization").GetProperty("calibration").ValueKind);

        // The weighted search changed the weights' codes or scales.
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(plain, "model.onnx.data")), File.ReadAllBytes(Path.Combine(calibrated, "model.onnx.data")));

        // Nothing of the fp32 scratch copy is left beside or inside the output.
        string[] entries = [.. Directory.EnumerateFileSystemEntries(temp.Path, "*", SearchOption.AllDirectories).Select(path => Path.GetRelativePath(temp.Path, path))];
        Assert.DoesNotContain(entries, entry => entry.Contains("calibration-model", StringComparison.Ordinal) || entry.Contains(".partial-", StringComparison.Ordinal) || entry.EndsWith(".lock", StringComparison.Ordinal));
    }

    [Fact]
    public void GptqConversionRecordsItsTensorsAndDiffersFromTheWeightedSearchAlone()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string checkpoint = Synthesize(temp.Path);
        string text = Path.Combine(temp.Path, "text.txt");
        File.WriteAllText(text, "The quick brown fox jumps over the lazy dog. 1 + 2 = 3. def f(x): return x * x\nA second line of plain words.\n");
        string gptq = Path.Combine(temp.Path, "gptq");
        string weighted = Path.Combine(temp.Path, "weighted");

        (int exitCode, string stdout, string stderr) = CliRunner.Run("quantize", checkpoint, "-o", gptq, "--precision", "int4", "--gptq", "--calibration", text, "--max-context", "256");
        Assert.True(exitCode == 0, stderr);
        // Every decoder weight; the int8 lm_head keeps the weighted search.
        Assert.Contains("scale search of 11 weights weighted by activation importance, GPTQ rounding on 10 of them,", stdout, StringComparison.Ordinal);
        Assert.Equal(0, CliRunner.Run("quantize", checkpoint, "-o", weighted, "--precision", "int4", "--calibration", text, "--no-gptq", "--max-context", "256").ExitCode);

        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(gptq, "edgellm.json")));
        JsonElement calibration = manifest.RootElement.GetProperty("quantization").GetProperty("calibration");
        Assert.Equal("text.txt", calibration.GetProperty("text").GetString());
        Assert.Equal((2 * 5) + 1, calibration.GetProperty("weighted_tensors").GetInt32());
        Assert.Equal(2 * 5, calibration.GetProperty("gptq_tensors").GetInt32());

        // Same file layout, other codes.
        byte[] gptqBytes = File.ReadAllBytes(Path.Combine(gptq, "model.onnx.data"));
        byte[] weightedBytes = File.ReadAllBytes(Path.Combine(weighted, "model.onnx.data"));
        Assert.Equal(weightedBytes.Length, gptqBytes.Length);
        Assert.NotEqual(weightedBytes, gptqBytes);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ByDefaultAndWithoutAFileTheBuiltInTextRunsWithGptqOnAllButTheDownProjection(bool calibrationOption)
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string checkpoint = Synthesize(temp.Path);
        string output = Path.Combine(temp.Path, "built-in");
        (int exitCode, string stdout, string stderr) = CliRunner.Run(["quantize", checkpoint, "-o", output, "--precision", "int4", "--max-context", "256", .. calibrationOption ? ["--calibration"] : Array.Empty<string>()]);
        Assert.True(exitCode == 0, stderr);
        Assert.Contains("tokens of the built-in calibration text", stdout, StringComparison.Ordinal);

        // 2 layers × q|k|v (packed), o, gate, up: every weight but the down projections (and the int8 lm_head).
        Assert.Contains("scale search of 11 weights weighted by activation importance, GPTQ rounding on 8 of them,", stdout, StringComparison.Ordinal);
        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(output, "edgellm.json")));
        JsonElement calibration = manifest.RootElement.GetProperty("quantization").GetProperty("calibration");
        Assert.Equal("built-in", calibration.GetProperty("text").GetString());
        Assert.Equal((2 * 5) + 1, calibration.GetProperty("weighted_tensors").GetInt32());
        Assert.Equal(2 * 4, calibration.GetProperty("gptq_tensors").GetInt32());

        // The built-in text fills more than two 512-token chunks with the R1 distills' tokenizer.
        Assert.True(calibration.GetProperty("tokens").GetInt64() > 1024, $"{calibration.GetProperty("tokens").GetInt64()} tokens");
    }

    [Theory]
    [InlineData(TinyModels.Qwen2, (2 * 5) + 1, (2 * 4) + 1)]
    [InlineData(TinyModels.Qwen3, 2 * 5, 2 * 4)]
    public void AFourBitLmHeadGetsGptqRoundingUnlessItIsTheTiedEmbedding(string model, int weighted, int rounded)
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string checkpoint = Path.Combine(temp.Path, "hf");
        Assert.Equal(0, CliRunner.Run("synth", "--shape", model, "--tokenizer", TestTokenizers.ForShape(model), "-o", checkpoint).ExitCode);
        string output = Path.Combine(temp.Path, "int4-lm-head");
        (int exitCode, string stdout, string stderr) = CliRunner.Run("quantize", checkpoint, "-o", output, "--precision", "int4", "--lm-head", "int4", "--max-context", "256");
        Assert.True(exitCode == 0, stderr);
        Assert.Contains($"scale search of {weighted} weights weighted by activation importance, GPTQ rounding on {rounded} of them,", stdout, StringComparison.Ordinal);
        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(output, "edgellm.json")));
        JsonElement calibration = manifest.RootElement.GetProperty("quantization").GetProperty("calibration");
        Assert.Equal(weighted, calibration.GetProperty("weighted_tensors").GetInt32());
        Assert.Equal(rounded, calibration.GetProperty("gptq_tensors").GetInt32());
    }

    [Fact]
    public void Fp16ScalesAreCastToFloatBeforeMatMulNBitsAndCostHalfABitLess()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string checkpoint = Synthesize(temp.Path);
        string output = Path.Combine(temp.Path, "fp16-scales");
        (int exitCode, string stdout, string stderr) = CliRunner.Run("quantize", checkpoint, "-o", output, "--precision", "int4", "--scale-type", "fp16", "--max-context", "256");
        Assert.True(exitCode == 0, stderr);
        Assert.Contains("quantize: 4.500 bits per weight in the decoder's linear layers", stdout, StringComparison.Ordinal);
        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(output, "edgellm.json")));
        JsonElement quantization = manifest.RootElement.GetProperty("quantization");
        Assert.Equal("fp16", quantization.GetProperty("linear_scale_type").GetString());
        foreach (JsonElement tensor in quantization.GetProperty("tensors").EnumerateArray())
        {
            string name = tensor.GetProperty("name").GetString()!;
            Assert.Equal(name.StartsWith("model.layers.", StringComparison.Ordinal) ? "fp16" : "fp32", tensor.GetProperty("scale_type").GetString());
        }

        var model = global::EdgeLLM.Quantize.Onnx.Proto.ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(output, "model.onnx")));
        var scales = model.Graph.Initializer.Single(tensor => tensor.Name == "model.layers.0.mlp.down_proj.MatMulNBits.scales");
        Assert.Equal((int)global::EdgeLLM.Quantize.Onnx.Proto.TensorProto.Types.DataType.Float16, scales.DataType);
        var cast = model.Graph.Node.Single(node => node.Name == "model.layers.0.mlp.down_proj/MatMulNBits/ScalesToFloat");
        Assert.Equal("Cast", cast.OpType);
        Assert.Equal("model.layers.0.mlp.down_proj.MatMulNBits.scales", Assert.Single(cast.Input));
        Assert.Equal((long)global::EdgeLLM.Quantize.Onnx.Proto.TensorProto.Types.DataType.Float, Assert.Single(cast.Attribute).I);
        var matMul = model.Graph.Node.Single(node => node.Name == "model.layers.0.mlp.down_proj/MatMulNBits");
        Assert.Equal("model.layers.0.mlp.down_proj.MatMulNBits.scales_float", matMul.Input[2]);
        var outsideLayers = model.Graph.Initializer.Where(tensor => tensor.Name.EndsWith(".MatMulNBits.scales", StringComparison.Ordinal) && !tensor.Name.StartsWith("model.layers.", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(outsideLayers);
        Assert.All(outsideLayers, tensor => Assert.Equal((int)global::EdgeLLM.Quantize.Onnx.Proto.TensorProto.Types.DataType.Float, tensor.DataType));

        // ONNX Runtime runs it.
        Assert.Equal(0, CliRunner.Run("generate", "-m", output, "--engine", "onnx", "--max-tokens", "4", "--prompt", "Hello").ExitCode);
    }

    private static string Synthesize(string root)
    {
        string checkpoint = Path.Combine(root, "hf");
        Assert.Equal(0, CliRunner.Run("synth", "--shape", TinyModels.Qwen2, "--tokenizer", TestTokenizers.ForShape(TinyModels.Qwen2), "-o", checkpoint).ExitCode);
        return checkpoint;
    }

    private static void AssertRefused(string root, string[] quantizeArgs, string expected, string named)
    {
        (int exitCode, string stdout, string stderr) = CliRunner.Run(["quantize", .. quantizeArgs]);
        Assert.Equal(1, exitCode);
        Assert.Equal(string.Empty, stdout);
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.Contains(named, line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(root, "out")), "a refused conversion left an output folder");
    }
}

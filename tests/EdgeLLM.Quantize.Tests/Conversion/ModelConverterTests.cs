using System.IO.Hashing;
using System.Text.Json;
using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Format;
using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Quantize.Conversion;
using EdgeLLM.Quantize.Synthetic;
using EdgeLLM.Quantize.Tests.Architectures;
using EdgeLLM.Tests.Shared;

namespace EdgeLLM.Quantize.Tests.Conversion;

[Collection(ConvertedModelsCollection.Name)]
public sealed class ModelConverterTests(ConvertedModels models)
{
    [Fact]
    public void OutputFolderHoldsGraphWeightsGenAiConfigTokenizerFilesAndManifest()
    {
        string folder = models.Get(TinyModels.Qwen2, WeightPrecision.Fp32);
        Assert.Equal(
            ["edgellm.json", "genai_config.json", "generation_config.json", "model.onnx", "model.onnx.data"],
            Directory.GetFiles(folder).Select(path => Path.GetFileName(path)!).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(File.ReadAllText(Path.Combine(TinyModels.Folder(TinyModels.Qwen2), "generation_config.json")), File.ReadAllText(Path.Combine(folder, "generation_config.json")));

        using JsonDocument genai = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "genai_config.json")));
        JsonElement model = genai.RootElement.GetProperty("model");
        Assert.Equal(4096, model.GetProperty("context_length").GetInt32());
        Assert.Equal(151646, model.GetProperty("bos_token_id").GetInt32());
        Assert.Equal(151643, model.GetProperty("eos_token_id").GetInt32());
        Assert.Equal("qwen2", model.GetProperty("type").GetString());
        Assert.Equal(151936, model.GetProperty("vocab_size").GetInt32());
        JsonElement decoder = model.GetProperty("decoder");
        Assert.Equal("model.onnx", decoder.GetProperty("filename").GetString());
        Assert.Equal(64, decoder.GetProperty("head_size").GetInt32());
        Assert.Equal(128, decoder.GetProperty("hidden_size").GetInt32());
        Assert.Equal(2, decoder.GetProperty("num_attention_heads").GetInt32());
        Assert.Equal(1, decoder.GetProperty("num_key_value_heads").GetInt32());
        Assert.Equal(2, decoder.GetProperty("num_hidden_layers").GetInt32());
        Assert.Equal("past_key_values.%d.key", decoder.GetProperty("inputs").GetProperty("past_key_names").GetString());
        Assert.Equal("present.%d.value", decoder.GetProperty("outputs").GetProperty("present_value_names").GetString());
        JsonElement search = genai.RootElement.GetProperty("search");
        Assert.True(search.GetProperty("do_sample").GetBoolean());
        Assert.Equal(0.6, search.GetProperty("temperature").GetDouble());
        Assert.Equal(0.95, search.GetProperty("top_p").GetDouble());
        Assert.Equal(4096, search.GetProperty("max_length").GetInt32());
        Assert.True(search.GetProperty("past_present_share_buffer").GetBoolean());

        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "edgellm.json")));
        JsonElement root = manifest.RootElement;
        Assert.Equal(1, root.GetProperty("format_version").GetInt32());
        Assert.Equal("edgellm", root.GetProperty("tool").GetProperty("name").GetString());
        Assert.Equal("qwen2", root.GetProperty("source").GetProperty("architecture").GetString());
        Assert.Equal(Path.GetFullPath(TinyModels.Folder(TinyModels.Qwen2)), root.GetProperty("source").GetProperty("path").GetString());
        Assert.Equal("fp32", root.GetProperty("precision").GetString());
        Assert.Equal(4096, root.GetProperty("max_context").GetInt32());
        Assert.Equal("all", root.GetProperty("logits").GetString());
        Assert.Equal("fused", root.GetProperty("rotary").GetString());
        JsonElement dimensions = root.GetProperty("model");
        Assert.Equal(2, dimensions.GetProperty("layers").GetInt32());
        Assert.Equal(2, dimensions.GetProperty("heads").GetInt32());
        Assert.Equal(1, dimensions.GetProperty("kv_heads").GetInt32());
        Assert.Equal(64, dimensions.GetProperty("head_dim").GetInt32());
        Assert.Equal(151936, dimensions.GetProperty("vocab_size").GetInt32());
        Assert.Equal(new FileInfo(Path.Combine(folder, "model.onnx.data")).Length, root.GetProperty("weights_bytes").GetInt64());
        JsonElement[] files = root.GetProperty("files").EnumerateArray().ToArray();
        Assert.Equal(4, files.Length);
        foreach (JsonElement file in files)
        {
            string path = Path.Combine(folder, file.GetProperty("name").GetString()!);
            Assert.Equal(new FileInfo(path).Length, file.GetProperty("bytes").GetInt64());
            Assert.Equal(Convert.ToHexStringLower(XxHash128.Hash(File.ReadAllBytes(path))), file.GetProperty("xxh3_128").GetString());
        }
    }

    [Fact]
    public void EosListAndLastPositionModeAreRecorded()
    {
        using JsonDocument genai = JsonDocument.Parse(File.ReadAllText(Path.Combine(models.Get(TinyModels.Llama31, WeightPrecision.Fp32), "genai_config.json")));
        Assert.Equal([128001, 128008, 128009], genai.RootElement.GetProperty("model").GetProperty("eos_token_id").EnumerateArray().Select(id => id.GetInt32()).ToArray());
        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(models.Get(TinyModels.Qwen3, WeightPrecision.Fp32, lastPositionOnly: true), "edgellm.json")));
        Assert.Equal("last", manifest.RootElement.GetProperty("logits").GetString());
    }

    [Fact]
    public void MaxContextCapsTheRopeCacheAndTheRecordedContext()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string output = Path.Combine(temp.Path, "out");
        using (var checkpoint = SmallCheckpoint())
        {
            ConversionResult result = ModelConverter.Convert(checkpoint, output, new ConversionOptions { MaxContext = 96 });
            Assert.Equal(96, result.ContextLength);
        }

        EdgeLLM.Quantize.Onnx.Proto.TensorProto cos = ModelFiles.Load(output).Graph.Initializer.Single(tensor => tensor.Name == "model.rotary.cos_cache");
        Assert.Equal([96L, 32L], cos.Dims);
        using JsonDocument genai = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "genai_config.json")));
        Assert.Equal(96, genai.RootElement.GetProperty("model").GetProperty("context_length").GetInt32());

        // The model's own limit wins when it is smaller.
        string capped = Path.Combine(temp.Path, "capped");
        using var small = new SyntheticCheckpoint(SmallConfig() with { MaxPositionEmbeddings = 40 }, TensorDType.F32);
        Assert.Equal(40, ModelConverter.Convert(small, capped, new ConversionOptions()).ContextLength);
    }

    [Fact]
    public void RefusesANonEmptyOutputFolderAndLeavesItAlone()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string output = NonEmptyFolder(temp, "keep.txt");
        using var checkpoint = SmallCheckpoint();
        IOException error = Assert.Throws<IOException>(() => ModelConverter.Convert(checkpoint, output, new ConversionOptions()));
        Assert.Contains(output, error.Message, StringComparison.Ordinal);
        Assert.Equal(["keep.txt"], Directory.GetFiles(output).Select(path => Path.GetFileName(path)!).ToArray());
        Assert.Equal([output], Directory.GetDirectories(temp.Path));
    }

    [Fact]
    public void OverwriteReplacesAnExistingFolderWhole()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string output = NonEmptyFolder(temp, "stale.txt");
        File.WriteAllText(Path.Combine(output, "edgellm.json"), "{}"); // an earlier model folder: --force replaces only edgellm's own
        using var checkpoint = SmallCheckpoint();
        ModelConverter.Convert(checkpoint, output, new ConversionOptions { Overwrite = true });
        Assert.False(File.Exists(Path.Combine(output, "stale.txt")));
        Assert.True(File.Exists(Path.Combine(output, "edgellm.json")));
        Assert.Equal([output], Directory.GetDirectories(temp.Path));
    }

    [Fact]
    public void UnwritableOutputFailsWithOneLineAndWritesNothing()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string blocker = Path.Combine(temp.Path, "a-file");
        File.WriteAllText(blocker, "not a folder");
        using var checkpoint = SmallCheckpoint();
        Exception error = Assert.ThrowsAny<Exception>(() => ModelConverter.Convert(checkpoint, Path.Combine(blocker, "out"), new ConversionOptions()));
        Assert.True(error is IOException or UnauthorizedAccessException, error.GetType().Name);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Equal([blocker], Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public void CancellationLeavesNoFolderBehind()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();
        using var checkpoint = SmallCheckpoint();
        Assert.ThrowsAny<OperationCanceledException>(() => ModelConverter.Convert(checkpoint, Path.Combine(temp.Path, "out"), new ConversionOptions(), cancellation.Token));
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public void InvalidMaxContextIsRejected()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        using var checkpoint = SmallCheckpoint();
        Assert.Throws<EdgeLlmException>(() => ModelConverter.Convert(checkpoint, Path.Combine(temp.Path, "out"), new ConversionOptions { MaxContext = 0 }));
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    /// <summary>temp/out holding one file named <paramref name="fileName"/>.</summary>
    private static string NonEmptyFolder(TempFolder temp, string fileName)
    {
        string output = Path.Combine(temp.Path, "out");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, fileName), "existing");
        return output;
    }

    /// <summary>tiny-llama31's shapes with a 512-token vocabulary: converts in a fraction of a second.</summary>
    private static ModelConfig SmallConfig() => TinyModels.Config(TinyModels.Llama31) with { VocabSize = 512 };

    private static SyntheticCheckpoint SmallCheckpoint() => new(SmallConfig(), TensorDType.F16);
}

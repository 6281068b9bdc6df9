using System.Globalization;
using System.IO.Hashing;
using System.Text.Json;
using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Quantize.Conversion;
using EdgeLLM.Quantize.Synthetic;
using EdgeLLM.Quantize.Tests.Architectures;
using EdgeLLM.Quantize.Tests.Synthetic;
using EdgeLLM.Tests.Shared;

namespace EdgeLLM.Quantize.Tests.Conversion;

/// <summary>The converter fed by the safetensors reader (sharded bf16 on disk) writes what it writes from the recipe.</summary>
[Collection(ConvertedModelsCollection.Name)]
public sealed class CheckpointFolderConversionTests(ConvertedModels models)
{
    [Fact]
    public void ShardedSafetensorsFolderConvertsToTheSameGraphAndWeights()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        (string checkpointFolder, string output) = SynthesizeAndConvert(temp.Path);

        string fromRecipe = models.Get(TinyModels.Qwen2, WeightPrecision.Fp32);
        foreach (string name in new[] { "model.onnx", "model.onnx.data", "genai_config.json" })
        {
            Assert.True(File.ReadAllBytes(Path.Combine(fromRecipe, name)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(output, name))), $"{name} differs");
        }

        string tokenizer = Path.Combine(output, "tokenizer.json");
        Assert.Equal(File.ReadAllBytes(Path.Combine(checkpointFolder, "tokenizer.json")), File.ReadAllBytes(tokenizer));
        if (!OperatingSystem.IsWindows())
        {
            Assert.True(File.GetUnixFileMode(tokenizer).HasFlag(UnixFileMode.UserWrite), "copied tokenizer files must not inherit a read-only mode");
        }
    }

    [Fact]
    public void ManifestRecordsEverySourceFileWithSizeAndChecksum()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        (string checkpointFolder, string output) = SynthesizeAndConvert(temp.Path);
        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(output, ModelManifest.FileName)));
        var recorded = new Dictionary<string, (long Bytes, string Checksum)>(StringComparer.Ordinal);
        foreach (JsonElement file in manifest.RootElement.GetProperty("source").GetProperty("files").EnumerateArray())
        {
            recorded.Add(file.GetProperty("name").GetString()!, (file.GetProperty("bytes").GetInt64(), file.GetProperty("xxh3_128").GetString()!));
        }

        // Every file the synthesizer wrote is one the converter reads: config, generation config, index, shards, tokenizer files.
        // (edgellm-synthetic.txt marks the folder as synth's output for --force; it is not part of the checkpoint.)
        string[] written = Directory.GetFiles(checkpointFolder).Select(Path.GetFileName)
            .Where(name => name != EdgeLLM.Quantize.Synthetic.CheckpointSynthesizer.MarkerFileName)
            .Order(StringComparer.Ordinal).ToArray()!;
        Assert.Contains("model.safetensors.index.json", written);
        Assert.True(written.Count(name => name.EndsWith(".safetensors", StringComparison.Ordinal)) > 1, "the synthesized checkpoint should be sharded");
        Assert.Contains("tokenizer.json", written);
        Assert.Equal(written, recorded.Keys.Order(StringComparer.Ordinal).ToArray());
        foreach (string name in written)
        {
            byte[] content = File.ReadAllBytes(Path.Combine(checkpointFolder, name));
            string checksum = XxHash128.HashToUInt128(content).ToString("x32", CultureInfo.InvariantCulture);
            Assert.Equal((content.LongLength, checksum), recorded[name]);
        }
    }

    [Fact]
    public void ProgressReportsEveryTensorOnceUpToTheCheckpointSize()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        var progress = new RecordedProgress();
        (string checkpointFolder, _) = SynthesizeAndConvert(temp.Path, progress);

        using CheckpointFolder checkpoint = CheckpointFolder.Open(checkpointFolder);
        Assert.Equal(checkpoint.TensorNames.Order(StringComparer.Ordinal), progress.Reports.Select(report => report.TensorName).Order(StringComparer.Ordinal));
        long expectedTotal = 0;
        foreach (string name in checkpoint.TensorNames)
        {
            TensorView tensor = checkpoint.GetTensor(name);
            expectedTotal += tensor.ElementCount * tensor.DType.ByteSize();
        }

        long previous = 0;
        foreach (ConversionProgress report in progress.Reports)
        {
            TensorView tensor = checkpoint.GetTensor(report.TensorName);
            Assert.Equal(previous + (tensor.ElementCount * tensor.DType.ByteSize()), report.BytesDone);
            Assert.Equal(expectedTotal, report.BytesTotal);
            previous = report.BytesDone;
        }

        Assert.Equal(expectedTotal, previous);
    }

    private static (string CheckpointFolder, string Output) SynthesizeAndConvert(string root, IProgress<ConversionProgress>? progress = null)
    {
        string checkpointFolder = Path.Combine(root, "hf");
        CheckpointSynthesizer.Synthesize(new SynthesisRequest
        {
            Shape = SyntheticShapes.Find(TinyModels.Qwen2),
            TokenizerFolder = TestTokenizers.ForShape(TinyModels.Qwen2),
            OutputFolder = checkpointFolder,
        });
        Assert.True(File.Exists(Path.Combine(checkpointFolder, "model.safetensors.index.json")));
        string output = Path.Combine(root, "onnx");
        using (CheckpointFolder checkpoint = CheckpointFolder.Open(checkpointFolder))
        {
            ModelConverter.Convert(checkpoint, output, new ConversionOptions { SourceFolder = checkpointFolder, Progress = progress });
        }

        return (checkpointFolder, output);
    }

    /// <summary>Keeps every report in order, on the reporting thread (Progress&lt;T&gt; would post them elsewhere).</summary>
    private sealed class RecordedProgress : IProgress<ConversionProgress>
    {
        public List<ConversionProgress> Reports { get; } = [];

        public void Report(ConversionProgress value) => Reports.Add(value);
    }
}

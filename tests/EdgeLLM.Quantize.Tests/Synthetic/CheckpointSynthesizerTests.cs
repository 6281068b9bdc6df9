using EdgeLLM.Format;
using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Quantize.Synthetic;
using EdgeLLM.Quantize.Tests.Checkpoints;
using EdgeLLM.Tests.Shared;

namespace EdgeLLM.Quantize.Tests.Synthetic;

public sealed class CheckpointSynthesizerTests
{
    [Fact]
    public void Fp32OverrideKeepsValuesAndRewritesTorchDtype()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string output = Path.Combine(temp.Path, "qwen3-fp32");
        SynthesisResult result = Synthesize("tiny-qwen3", output, dtype: TensorDType.F32);

        Assert.Equal(24, result.TensorCount);
        Assert.Equal(79_761_920, result.TensorBytes);
        using CheckpointFolder checkpoint = CheckpointFolder.Open(output);
        Assert.Equal("float32", checkpoint.Config.TorchDtype);
        Assert.All(checkpoint.TensorNames, name => Assert.Equal(TensorDType.F32, checkpoint.GetTensor(name).DType));
        float[] norm = checkpoint.GetTensor(HuggingFaceLayout.FinalNorm).ToFloatArray();
        Assert.Equal([0.5234375f, 0.66015625f, 0.578125f], norm[..3]);
    }

    [Fact]
    public void ShardLimitSplitsAndKeepsEveryTensorHash()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string output = Path.Combine(temp.Path, "llama-sharded");
        SynthesisResult result = Synthesize("tiny-llama31", output, shardMegabytes: 30);

        // embed_tokens (32.8 MB fp16) alone, the layers and final norm, then lm_head alone.
        Assert.Equal(
            ["model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors", "model-00003-of-00003.safetensors", SafetensorsIndex.FileName],
            result.Files.Select(Path.GetFileName));
        using CheckpointFolder checkpoint = CheckpointFolder.Open(output);
        Assert.Equal(TensorHashes.FromFixture(TestPaths.Fixture("models", "tiny-llama31", "tensors.sha256.json")), TensorHashes.FromFiles(checkpoint.Files));
        Assert.Equal(result.TensorBytes, SafetensorsIndex.Load(Path.Combine(output, SafetensorsIndex.FileName)).TotalSize);
    }

    [Fact]
    public void TokenizerGenerationConfigIsUsedOnlyWhenTheShapeHasNone()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string tokenizer = Path.Combine(temp.Path, "tokenizer");
        Directory.CreateDirectory(tokenizer);
        File.Copy(Path.Combine(TestTokenizers.ForShape("tiny-qwen3"), "tokenizer.json"), Path.Combine(tokenizer, "tokenizer.json"));
        const string tokenizerGeneration = """{"eos_token_id": [151645, 151643], "temperature": 0.7}""";
        File.WriteAllText(Path.Combine(tokenizer, "generation_config.json"), tokenizerGeneration);

        string qwen3 = Path.Combine(temp.Path, "qwen3");
        Synthesize("tiny-qwen3", qwen3, tokenizer: tokenizer);
        Assert.Equal(tokenizerGeneration, File.ReadAllText(Path.Combine(qwen3, "generation_config.json")));
        Assert.False(File.Exists(Path.Combine(qwen3, "tokenizer_config.json")));

        string qwen2 = Path.Combine(temp.Path, "qwen2");
        Synthesize("tiny-r1-qwen2", qwen2, tokenizer: tokenizer);
        Assert.Equal(SyntheticShapes.TinyR1Qwen2.GenerationConfigJson, File.ReadAllText(Path.Combine(qwen2, "generation_config.json")));
    }

    [Fact]
    public void TokenizerFolderWithoutTokenizerJsonIsRefusedAndLeavesNothing()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string output = Path.Combine(temp.Path, "out");
        var exception = Assert.Throws<FileNotFoundException>(() => Synthesize("tiny-qwen3", output, tokenizer: temp.Path));
        Assert.Equal($"tokenizer folder '{temp.Path}' has no tokenizer.json", exception.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Path));
    }

    [Fact]
    public void ForceReplacesAnEarlierSyntheticCheckpointButNeverAnUnrelatedFolder()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string output = OutputFolders.CreateNonEmpty(temp.Path, "old.txt");
        Assert.Throws<IOException>(() => Synthesize("tiny-qwen3", output));
        Assert.Throws<IOException>(() => Synthesize("tiny-qwen3", output, force: true));
        Assert.True(File.Exists(Path.Combine(output, "old.txt")));

        string earlier = Path.Combine(temp.Path, "earlier");
        Synthesize("tiny-qwen3", earlier);
        File.WriteAllText(Path.Combine(earlier, "old.txt"), "left over");
        Synthesize("tiny-qwen3", earlier, force: true);
        Assert.False(File.Exists(Path.Combine(earlier, "old.txt")));
        Assert.True(File.Exists(Path.Combine(earlier, "model.safetensors")));
        Assert.Equal(["earlier", "out"], Directory.GetFileSystemEntries(temp.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void UnwritableOutputIsOneLineIOException()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string blocker = Path.Combine(temp.Path, "a-file");
        File.WriteAllText(blocker, "not a folder");
        string output = Path.Combine(blocker, "out");

        var exception = Assert.Throws<IOException>(() => Synthesize("tiny-qwen3", output));
        Assert.StartsWith($"cannot write output folder '{output}': ", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', exception.Message);
        Assert.Equal(["a-file"], Directory.GetFileSystemEntries(temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void CancellationLeavesNoFolderBehind()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => Synthesize("tiny-qwen3", Path.Combine(temp.Path, "out"), cancellation: cancellation.Token));
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Path));
    }

    [Fact]
    public void ShardSizeMustBePositive()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        var exception = Assert.Throws<EdgeLlmException>(() => Synthesize("tiny-qwen3", Path.Combine(temp.Path, "out"), shardMegabytes: 0));
        Assert.Equal("shard size must be a positive number of megabytes, got 0", exception.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Path));
    }

    private static SynthesisResult Synthesize(
        string shape, string output, TensorDType? dtype = null, int? shardMegabytes = null, string? tokenizer = null, bool force = false, CancellationToken cancellation = default)
        => CheckpointSynthesizer.Synthesize(
            new SynthesisRequest
            {
                Shape = SyntheticShapes.Find(shape),
                TokenizerFolder = tokenizer ?? TestTokenizers.ForShape(shape),
                OutputFolder = output,
                DType = dtype,
                ShardMegabytes = shardMegabytes,
                Force = force,
            },
            cancellation);
}

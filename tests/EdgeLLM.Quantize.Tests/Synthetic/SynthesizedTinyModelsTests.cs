using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Quantize.Tests.Checkpoints;
using EdgeLLM.Tests.Shared;

namespace EdgeLLM.Quantize.Tests.Synthetic;

/// <summary>The synthesized tiny shapes against the reference fixtures (hashes computed by an implementation we did not write).</summary>
public sealed class SynthesizedTinyModelsTests(SynthesizedTinyModels models) : IClassFixture<SynthesizedTinyModels>
{
    [Theory]
    [InlineData("tiny-r1-qwen2")]
    [InlineData("tiny-llama31")]
    [InlineData("tiny-qwen3")]
    public void EveryTensorMatchesTheFixtureHashDtypeAndShape(string name)
    {
        using CheckpointFolder checkpoint = CheckpointFolder.Open(models.Folder(name));
        SortedDictionary<string, string> expected = TensorHashes.FromFixture(TestPaths.Fixture("models", name, "tensors.sha256.json"));
        Assert.Equal(expected, TensorHashes.FromFiles(checkpoint.Files));
        Assert.Equal(expected.Count, checkpoint.TensorNames.Count);
    }

    [Theory]
    [InlineData("tiny-r1-qwen2")]
    [InlineData("tiny-llama31")]
    [InlineData("tiny-qwen3")]
    public void MetadataFilesEqualTheFixtureFiles(string name)
    {
        string folder = models.Folder(name);
        foreach (string file in new[] { "config.json", "generation_config.json", SafetensorsIndex.FileName })
        {
            string fixture = TestPaths.Fixture("models", name, file);
            Assert.Equal(File.Exists(fixture), File.Exists(Path.Combine(folder, file)));
            if (File.Exists(fixture))
            {
                Assert.Equal(File.ReadAllText(fixture), File.ReadAllText(Path.Combine(folder, file)));
            }
        }
    }

    [Fact]
    public void ShardedFixtureHasTheSameShardFiles()
    {
        string folder = models.Folder("tiny-r1-qwen2");
        Assert.Equal(
            ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"],
            Directory.GetFiles(folder, "*.safetensors").Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.False(File.Exists(Path.Combine(folder, CheckpointFolder.SingleFileName)));
    }

    [Theory]
    [InlineData("tiny-r1-qwen2")]
    [InlineData("tiny-llama31")]
    [InlineData("tiny-qwen3")]
    public void TokenizerFilesAreCopied(string name)
    {
        string tokenizer = TestTokenizers.ForShape(name);
        foreach (string file in new[] { "tokenizer.json", "tokenizer_config.json" })
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(tokenizer, file)), File.ReadAllBytes(Path.Combine(models.Folder(name), file)));
        }
    }

    [Theory]
    [InlineData("tiny-r1-qwen2")]
    [InlineData("tiny-llama31")]
    [InlineData("tiny-qwen3")]
    public void FirstValuesAreTheReadmeNumbers(string name)
    {
        using CheckpointFolder checkpoint = CheckpointFolder.Open(models.Folder(name));
        float[] embedding = new float[8];
        float[] norm = new float[8];
        checkpoint.GetTensor(HuggingFaceLayout.Embedding).ReadFloats(0, embedding);
        checkpoint.GetTensor(HuggingFaceLayout.FinalNorm).ReadFloats(0, norm);
        Assert.Equal([-0.2578125f, -0.296875f, 0.8046875f, -0.984375f, 0.5859375f, -0.71875f, -0.5390625f, 0.109375f], embedding);
        Assert.Equal([0.5234375f, 0.66015625f, 0.578125f, 0.72265625f, 0.92578125f, 0.7421875f, 0.56640625f, 0.65625f], norm);
    }
}

using EdgeLLM.Format;
using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Quantize.Synthetic;
using EdgeLLM.Tests.Shared;

namespace EdgeLLM.Quantize.Tests.Checkpoints;

public sealed class CheckpointFolderTests
{
    private const long TwoShards = 5_000;

    [Theory]
    [InlineData(null, 1)]
    [InlineData(TwoShards, 2)]
    public void OpensSingleAndShardedFoldersInLayoutOrder(long? shardBytes, int fileCount)
    {
        using TempFolder temp = TestPaths.CreateTemp();
        SmallCheckpoint.WriteRecipe(temp.Path, shardBytes);
        Assert.Equal(fileCount == 2, File.Exists(Path.Combine(temp.Path, SafetensorsIndex.FileName)));

        using CheckpointFolder checkpoint = CheckpointFolder.Open(temp.Path);
        Assert.Equal(fileCount, checkpoint.Files.Count);
        Assert.Equal(SmallCheckpoint.Layout.Select(tensor => tensor.Name), checkpoint.TensorNames);
        Assert.Equal(64, checkpoint.Config.VocabSize);
        foreach (string name in checkpoint.TensorNames)
        {
            float[] expected = new float[checkpoint.GetTensor(name).ElementCount];
            WeightRecipe.Fill(name, 0, expected);
            Assert.Equal(expected, checkpoint.GetTensor(name).ToFloatArray());
            checkpoint.Release(name);
        }
    }

    [Fact]
    public void ExtraTensorsAreIgnored()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        const string invFreq = "model.layers.0.self_attn.rotary_emb.inv_freq";
        SmallCheckpoint.WriteDeclared(temp.Path, [.. SmallCheckpoint.Layout, (invFreq, [4])]);

        using CheckpointFolder checkpoint = CheckpointFolder.Open(temp.Path);
        Assert.DoesNotContain(invFreq, checkpoint.TensorNames);
        Assert.Equal(SmallCheckpoint.Layout.Count, checkpoint.TensorNames.Count);
    }

    [Fact]
    public void MissingTensorIsNamed()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string missing = HuggingFaceLayout.Layer(0, "self_attn.k_proj.bias");
        SmallCheckpoint.WriteDeclared(temp.Path, SmallCheckpoint.Layout.Where(tensor => tensor.Name != missing).ToArray());

        var exception = Assert.Throws<EdgeLlmException>(() => CheckpointFolder.Open(temp.Path));
        SafetensorsFileTests.AssertOneLine(exception, temp.Path, $"tensor '{missing}' that a qwen2 model of this config.json needs is missing");
    }

    [Fact]
    public void MisshapedTensorIsNamedWithBothShapes()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string query = HuggingFaceLayout.Layer(0, "self_attn.q_proj.weight");
        SmallCheckpoint.WriteDeclared(temp.Path, SmallCheckpoint.Layout.Select(tensor => tensor.Name == query ? (tensor.Name, new long[] { 16, 8 }) : tensor).ToArray());

        var exception = Assert.Throws<EdgeLlmException>(() => CheckpointFolder.Open(temp.Path));
        SafetensorsFileTests.AssertOneLine(exception, Path.Combine(temp.Path, "model.safetensors"), $"tensor '{query}' has shape [16, 8] but config.json implies [16, 16]");
    }

    [Fact]
    public void IndexNamingAMissingShardNamesIt()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        SmallCheckpoint.WriteRecipe(temp.Path, TwoShards);
        File.Delete(Path.Combine(temp.Path, "model-00002-of-00002.safetensors"));

        var exception = Assert.Throws<FileNotFoundException>(() => CheckpointFolder.Open(temp.Path));
        SafetensorsFileTests.AssertOneLine(exception, Path.Combine(temp.Path, SafetensorsIndex.FileName), "names shard 'model-00002-of-00002.safetensors', which is not in the folder");
    }

    [Fact]
    public void IndexListingATensorItsShardLacksNamesBoth()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        SmallCheckpoint.WriteRecipe(temp.Path, TwoShards);
        string indexPath = Path.Combine(temp.Path, SafetensorsIndex.FileName);
        string index = File.ReadAllText(indexPath);
        File.WriteAllText(indexPath, index.Replace("\"lm_head.weight\": \"model-00002-of-00002.safetensors\"", "\"lm_head.weight\": \"model-00001-of-00002.safetensors\"", StringComparison.Ordinal));

        var exception = Assert.Throws<EdgeLlmException>(() => CheckpointFolder.Open(temp.Path));
        SafetensorsFileTests.AssertOneLine(exception, indexPath, "tensor 'lm_head.weight' is listed in shard 'model-00001-of-00002.safetensors' but that file does not hold it");
    }

    [Fact]
    public void IndexMayNotPointOutsideTheFolder()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        SmallCheckpoint.WriteRecipe(temp.Path, null);
        string indexPath = Path.Combine(temp.Path, SafetensorsIndex.FileName);
        File.WriteAllText(indexPath, """{"weight_map": {"lm_head.weight": "../elsewhere.safetensors"}}""");

        var exception = Assert.Throws<EdgeLlmException>(() => CheckpointFolder.Open(temp.Path));
        SafetensorsFileTests.AssertOneLine(exception, indexPath, "not a shard file name in this folder");
    }

    [Fact]
    public void FolderWithoutWeightsSaysWhatIsMissing()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        File.WriteAllText(Path.Combine(temp.Path, "config.json"), SmallCheckpoint.ConfigJson);

        var exception = Assert.Throws<FileNotFoundException>(() => CheckpointFolder.Open(temp.Path));
        SafetensorsFileTests.AssertOneLine(exception, temp.Path, "neither model.safetensors nor model.safetensors.index.json found");
    }

    [Fact]
    public void FolderWithoutConfigSaysSo()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        var exception = Assert.Throws<FileNotFoundException>(() => CheckpointFolder.Open(temp.Path));
        Assert.Contains("no config.json", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingConfigKeyIsNamed()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        SmallCheckpoint.WriteRecipe(temp.Path, null);
        string configPath = Path.Combine(temp.Path, "config.json");
        File.WriteAllText(configPath, SmallCheckpoint.ConfigJson.Replace("\"vocab_size\": 64, ", string.Empty, StringComparison.Ordinal));

        var exception = Assert.Throws<EdgeLlmException>(() => CheckpointFolder.Open(temp.Path));
        SafetensorsFileTests.AssertOneLine(exception, configPath, "missing 'vocab_size'");
    }
}

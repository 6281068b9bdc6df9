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
        string checkpointFolder = Path.Combine(temp.Path, "hf");
        CheckpointSynthesizer.Synthesize(new SynthesisRequest
        {
            Shape = SyntheticShapes.Find(TinyModels.Qwen2),
            TokenizerFolder = TestTokenizers.ForShape(TinyModels.Qwen2),
            OutputFolder = checkpointFolder,
        });
        Assert.True(File.Exists(Path.Combine(checkpointFolder, "model.safetensors.index.json")));
        string output = Path.Combine(temp.Path, "onnx");
        using (CheckpointFolder checkpoint = CheckpointFolder.Open(checkpointFolder))
        {
            ModelConverter.Convert(checkpoint, output, new ConversionOptions { SourceFolder = checkpointFolder });
        }

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
}

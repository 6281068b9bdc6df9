using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Quantize.Synthetic;
using EdgeLLM.Tests.Shared;

namespace EdgeLLM.Quantize.Tests.Synthetic;

public sealed class SyntheticShapesTests
{
    [Theory]
    [InlineData("tiny-r1-qwen2")]
    [InlineData("tiny-llama31")]
    [InlineData("tiny-qwen3")]
    public void TinyShapesCarryTheFixtureConfigTextExactly(string name)
    {
        SyntheticShape shape = SyntheticShapes.Find(name);
        Assert.Equal(File.ReadAllText(TestPaths.Fixture("models", name, "config.json")), shape.ConfigJson);
        string generationPath = TestPaths.Fixture("models", name, "generation_config.json");
        Assert.Equal(File.Exists(generationPath) ? File.ReadAllText(generationPath) : null, shape.GenerationConfigJson);
    }

    [Fact]
    public void R1DistillQwen15BHasThePublicShape()
    {
        ModelConfig config = SyntheticShapes.Find("r1-distill-qwen-1.5b").Config;
        Assert.Equal((ModelArchitecture.Qwen2, 1536, 8960, 28, 12, 2, 128, 151936), (config.Architecture, config.HiddenSize, config.IntermediateSize, config.LayerCount, config.HeadCount, config.KvHeadCount, config.HeadDim, config.VocabSize));
        Assert.Equal((10000.0, 1e-6, 131072, false), (config.RopeTheta, config.RmsNormEps, config.MaxPositionEmbeddings, config.TieWordEmbeddings));
        Assert.Equal((151646, 0.6, 0.95), (config.BosTokenId, config.Generation.Temperature, config.Generation.TopP));
        Assert.Equal([151643], config.EosTokenIds);

        // 1,777,088,000 parameters: the published size of DeepSeek-R1-Distill-Qwen-1.5B (3.55 GB in bf16).
        long parameters = HuggingFaceLayout.Tensors(config).Sum(tensor => SafetensorsEntry.ElementCount(tensor.Shape));
        Assert.Equal(1_777_088_000, parameters);
    }

    [Fact]
    public void LargerShapesHaveThePublicDimensions()
    {
        ModelConfig qwen7 = SyntheticShapes.Find("r1-distill-qwen-7b").Config;
        Assert.Equal((3584, 18944, 28, 28, 4, 152064), (qwen7.HiddenSize, qwen7.IntermediateSize, qwen7.LayerCount, qwen7.HeadCount, qwen7.KvHeadCount, qwen7.VocabSize));

        ModelConfig llama8 = SyntheticShapes.Find("r1-distill-llama-8b").Config;
        Assert.Equal((ModelArchitecture.Llama, 4096, 14336, 32, 32, 8, 128256), (llama8.Architecture, llama8.HiddenSize, llama8.IntermediateSize, llama8.LayerCount, llama8.HeadCount, llama8.KvHeadCount, llama8.VocabSize));
        Assert.Equal(new RopeScaling(8.0, 1.0, 4.0, 8192), llama8.RopeScaling);
        Assert.Equal((500000.0, 1e-5, 128000), (llama8.RopeTheta, llama8.RmsNormEps, llama8.BosTokenId));
        Assert.Equal([128001], llama8.EosTokenIds);

        ModelConfig qwen3 = SyntheticShapes.Find("r1-0528-qwen3-8b").Config;
        Assert.Equal((ModelArchitecture.Qwen3, 4096, 12288, 36, 32, 8, 128, 151936), (qwen3.Architecture, qwen3.HiddenSize, qwen3.IntermediateSize, qwen3.LayerCount, qwen3.HeadCount, qwen3.KvHeadCount, qwen3.HeadDim, qwen3.VocabSize));
        Assert.Equal((1000000.0, 1e-6, false), (qwen3.RopeTheta, qwen3.RmsNormEps, qwen3.TieWordEmbeddings));

        // The published parameter counts: 7.62B, 8.03B and 8.19B.
        Assert.Equal(7_615_616_512, ParameterCount(qwen7));
        Assert.Equal(8_030_261_248, ParameterCount(llama8));
        Assert.Equal(8_190_735_360, ParameterCount(qwen3));
    }

    [Fact]
    public void UnknownShapeListsTheKnownOnes()
    {
        var exception = Assert.Throws<ArgumentException>(() => SyntheticShapes.Find("gpt-2"));
        Assert.Equal(
            "unknown shape 'gpt-2' (known: tiny-r1-qwen2, tiny-llama31, tiny-qwen3, tiny-k256, r1-distill-qwen-1.5b, r1-distill-qwen-7b, r1-distill-llama-8b, r1-0528-qwen3-8b)",
            exception.Message);
    }

    private static long ParameterCount(ModelConfig config) => HuggingFaceLayout.Tensors(config).Sum(tensor => SafetensorsEntry.ElementCount(tensor.Shape));
}

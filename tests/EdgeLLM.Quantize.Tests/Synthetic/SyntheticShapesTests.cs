using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Format;
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
    [InlineData("tiny-qwen3-yarn")]
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
        Assert.Equal((1000000.0, 1e-6, false, 131072), (qwen3.RopeTheta, qwen3.RmsNormEps, qwen3.TieWordEmbeddings, qwen3.MaxPositionEmbeddings));
        Assert.Equal((4.0, 32768, 0.8782488562869419), (qwen3.Yarn!.Factor, qwen3.Yarn.OriginalMaxPositionEmbeddings, qwen3.Yarn.IgnoredAttnFactor));

        ModelConfig qwen14 = SyntheticShapes.Find("r1-distill-qwen-14b").Config;
        Assert.Equal((5120, 13824, 48, 40, 8, 152064, 1e-5, 1000000.0), (qwen14.HiddenSize, qwen14.IntermediateSize, qwen14.LayerCount, qwen14.HeadCount, qwen14.KvHeadCount, qwen14.VocabSize, qwen14.RmsNormEps, qwen14.RopeTheta));
        ModelConfig qwen32 = SyntheticShapes.Find("r1-distill-qwen-32b").Config;
        Assert.Equal((5120, 27648, 64, 40, 8, 152064, 1e-5, 1000000.0), (qwen32.HiddenSize, qwen32.IntermediateSize, qwen32.LayerCount, qwen32.HeadCount, qwen32.KvHeadCount, qwen32.VocabSize, qwen32.RmsNormEps, qwen32.RopeTheta));
        ModelConfig llama70 = SyntheticShapes.Find("r1-distill-llama-70b").Config;
        Assert.Equal((8192, 28672, 80, 64, 8, 128256), (llama70.HiddenSize, llama70.IntermediateSize, llama70.LayerCount, llama70.HeadCount, llama70.KvHeadCount, llama70.VocabSize));
        Assert.Equal(new RopeScaling(8.0, 1.0, 4.0, 8192), llama70.RopeScaling);

        // The published parameter counts: 7.62B, 8.03B and 8.19B.
        Assert.Equal(7_615_616_512, ParameterCount(qwen7));
        Assert.Equal(8_030_261_248, ParameterCount(llama8));
        Assert.Equal(8_190_735_360, ParameterCount(qwen3));

        // 14.77B, 32.76B (Qwen2.5-14B/32B) and 70.55B (Llama 3.1 70B).
        Assert.Equal(14_770_033_664, ParameterCount(qwen14));
        Assert.Equal(32_763_876_352, ParameterCount(qwen32));
        Assert.Equal(70_553_706_496, ParameterCount(llama70));
    }

    [Theory]
    [InlineData("r1-distill-qwen-1.5b", "deepseek-r1-distill-qwen-1.5b")]
    [InlineData("r1-distill-qwen-7b", "deepseek-r1-distill-qwen-7b")]
    [InlineData("r1-distill-qwen-14b", "deepseek-r1-distill-qwen-14b")]
    [InlineData("r1-distill-qwen-32b", "deepseek-r1-distill-qwen-32b")]
    [InlineData("r1-distill-llama-8b", "deepseek-r1-distill-llama-8b")]
    [InlineData("r1-distill-llama-70b", "deepseek-r1-distill-llama-70b")]
    [InlineData("r1-0528-qwen3-8b", "deepseek-r1-0528-qwen3-8b")]
    public void DistillShapesCarryTheirPublicConfigTextExactly(string shape, string folder)
    {
        Assert.Equal(File.ReadAllText(TestPaths.Fixture("configs", folder, "config.json")), SyntheticShapes.Find(shape).ConfigJson);
        Assert.Contains(SyntheticShapes.Find(shape), SyntheticShapes.Distills);
    }

    [Fact]
    public void UnknownShapeListsTheKnownOnes()
    {
        var exception = Assert.Throws<EdgeLlmException>(() => SyntheticShapes.Find("gpt-2"));
        Assert.Equal(
            "unknown shape 'gpt-2' (known: tiny-r1-qwen2, tiny-llama31, tiny-qwen3, tiny-qwen3-yarn, tiny-k256, r1-distill-qwen-1.5b, r1-distill-qwen-7b, r1-distill-qwen-14b, r1-distill-qwen-32b, r1-distill-llama-8b, r1-distill-llama-70b, r1-0528-qwen3-8b)",
            exception.Message);
    }

    private static long ParameterCount(ModelConfig config) => HuggingFaceLayout.Tensors(config).Sum(tensor => SafetensorsEntry.ElementCount(tensor.Shape));
}

using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Format;
using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Tests.Shared;

namespace EdgeLLM.Quantize.Tests.Checkpoints;

public sealed class ModelConfigTests
{
    [Fact]
    public void LlamaFixtureHasLlama3RopeScalingAndEosList()
    {
        ModelConfig config = ModelConfig.Load(TestPaths.Fixture("models", "tiny-llama31"));
        Assert.Equal(ModelArchitecture.Llama, config.Architecture);
        Assert.Equal(new RopeScaling(8.0, 1.0, 4.0, 8192), config.RopeScaling);
        Assert.Equal(500000.0, config.RopeTheta);
        Assert.Equal(1e-5, config.RmsNormEps);
        Assert.Equal([128001, 128008, 128009], config.EosTokenIds);
        Assert.Equal(128000, config.BosTokenId);
        Assert.False(config.HasQkvBias);
        Assert.False(config.TieWordEmbeddings);
        Assert.Equal("float16", config.TorchDtype);
    }

    [Fact]
    public void Qwen3FixtureHasHeadDimAboveHiddenOverHeadsAndTiedEmbeddings()
    {
        ModelConfig config = ModelConfig.Load(TestPaths.Fixture("models", "tiny-qwen3"));
        Assert.Equal(128, config.HeadDim);
        Assert.Equal(64, config.HiddenSize / config.HeadCount);
        Assert.True(config.TieWordEmbeddings);
        Assert.True(config.HasQkNorm);
        Assert.Null(config.RopeScaling);
        Assert.Equal([151645], config.EosTokenIds);
        Assert.DoesNotContain(HuggingFaceLayout.Tensors(config), tensor => tensor.Name == HuggingFaceLayout.LmHead);
        Assert.Contains(HuggingFaceLayout.Tensors(config), tensor => tensor.Name == HuggingFaceLayout.Layer(0, "self_attn.q_proj.weight") && tensor.Shape.SequenceEqual(new long[] { 256, 128 }));
    }

    [Fact]
    public void GenerationConfigOverridesBosAndSuppliesSampling()
    {
        ModelConfig config = ModelConfig.Load(TestPaths.Fixture("models", "tiny-r1-qwen2"));
        Assert.Equal(151646, config.BosTokenId);
        Assert.Equal([151643], config.EosTokenIds);
        Assert.Equal(0.6, config.Generation.Temperature);
        Assert.Equal(0.95, config.Generation.TopP);
        Assert.True(config.Generation.DoSample);
        Assert.True(config.HasQkvBias);
    }

    [Fact]
    public void GenerationConfigEosListOverridesConfigEos()
    {
        string configJson = File.ReadAllText(TestPaths.Fixture("models", "tiny-r1-qwen2", "config.json"));
        ModelConfig config = ModelConfig.Parse(configJson, """{"eos_token_id": [151643, 151645]}""");
        Assert.Equal([151643, 151645], config.EosTokenIds);
        Assert.Equal(151643, config.BosTokenId);
    }

    [Fact]
    public void UnsupportedModelTypeNamesTheSupportedOnes()
    {
        var exception = Assert.Throws<EdgeLlmException>(() => ModelConfig.Parse("""{"model_type": "mistral", "hidden_size": 8}"""));
        Assert.Equal("config.json: model_type 'mistral' is not supported (supported: llama, qwen2, qwen3)", exception.Message);
    }

    [Theory]
    [InlineData("hidden_size")]
    [InlineData("num_attention_heads")]
    [InlineData("intermediate_size")]
    [InlineData("num_hidden_layers")]
    [InlineData("vocab_size")]
    public void MissingKeyIsNamed(string key)
    {
        string json = $$"""{"model_type": "qwen2", "hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1, "num_attention_heads": 2, "vocab_size": 64}""";
        string without = System.Text.RegularExpressions.Regex.Replace(json, $"\"{key}\": \\d+,? ?", string.Empty);
        var exception = Assert.Throws<EdgeLlmException>(() => ModelConfig.Parse(without.Replace(", }", "}", StringComparison.Ordinal)));
        Assert.Equal($"config.json: missing '{key}'", exception.Message);
    }
}

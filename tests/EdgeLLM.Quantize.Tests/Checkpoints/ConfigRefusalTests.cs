using EdgeLLM.Format;
using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Tests.Shared;

namespace EdgeLLM.Quantize.Tests.Checkpoints;

/// <summary>Config keys that change the math and are not implemented are refused with one line naming them, never ignored.</summary>
public sealed class ConfigRefusalTests
{
    private static string Tiny(string model) => File.ReadAllText(TestPaths.Fixture("models", model, "config.json"));

    /// <summary>tiny-r1-qwen2's config.json with one key's value replaced (or the key added before vocab_size).</summary>
    private static string WithKey(string model, string key, string value)
    {
        string json = Tiny(model);
        string marker = $"\"{key}\": ";
        int at = json.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return json.Replace("\"vocab_size\":", $"\"{key}\": {value},\n  \"vocab_size\":", StringComparison.Ordinal);
        }

        int end = json.IndexOfAny([',', '\n'], at + marker.Length);
        return string.Concat(json.AsSpan(0, at + marker.Length), value, json.AsSpan(end));
    }

    [Theory]
    [InlineData("tiny-r1-qwen2", "use_sliding_window", "true")]
    [InlineData("tiny-qwen3", "use_sliding_window", "true")]
    [InlineData("tiny-qwen3", "layer_types", "[\"full_attention\", \"sliding_attention\"]")]
    [InlineData("tiny-llama31", "attention_bias", "true")]
    [InlineData("tiny-qwen3", "attention_bias", "true")]
    [InlineData("tiny-llama31", "mlp_bias", "true")]
    [InlineData("tiny-llama31", "partial_rotary_factor", "0.5")]
    [InlineData("tiny-r1-qwen2", "use_mrope", "true")]
    [InlineData("tiny-llama31", "final_logit_softcapping", "30.0")]
    [InlineData("tiny-llama31", "attn_logit_softcapping", "50.0")]
    [InlineData("tiny-llama31", "logits_scaling", "8")]
    [InlineData("tiny-llama31", "embedding_multiplier", "12")]
    [InlineData("tiny-llama31", "residual_multiplier", "0.22")]
    [InlineData("tiny-llama31", "attention_multiplier", "0.0078125")]
    [InlineData("tiny-llama31", "no_rope_layers", "[1, 0]")]
    [InlineData("tiny-qwen3", "num_experts", "8")]
    public void MathChangingKeyIsRefusedNamingIt(string model, string key, string value)
    {
        var exception = Assert.Throws<EdgeLlmException>(() => ModelConfig.Parse(WithKey(model, key, value)));
        Assert.Contains($"'{key}'", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', exception.Message);
    }

    [Theory]
    [InlineData("tiny-r1-qwen2", "use_sliding_window", "false")]
    [InlineData("tiny-qwen3", "layer_types", "[\"full_attention\", \"full_attention\"]")]
    [InlineData("tiny-r1-qwen2", "attention_bias", "true")]
    [InlineData("tiny-llama31", "partial_rotary_factor", "1.0")]
    [InlineData("tiny-llama31", "mlp_bias", "false")]
    [InlineData("tiny-llama31", "pretraining_tp", "2")]
    public void KeysAtTheirImplementedValuesAreAccepted(string model, string key, string value)
        => Assert.NotNull(ModelConfig.Parse(WithKey(model, key, value)));

    [Theory]
    [InlineData("{\"rope_type\": \"dynamic\", \"factor\": 2.0}", "'dynamic'")]
    [InlineData("{\"rope_type\": \"longrope\", \"factor\": 2.0}", "'longrope'")]
    [InlineData("{\"type\": \"linear\", \"factor\": 2.0}", "'linear'")]
    [InlineData("{\"rope_type\": \"mrope\", \"mrope_section\": [16, 24, 24]}", "'mrope'")]
    [InlineData("{\"rope_type\": \"yarn\", \"factor\": 4.0, \"original_max_position_embeddings\": 32768, \"extrapolation_factor\": 1.0}", "'extrapolation_factor'")]
    [InlineData("{\"rope_type\": \"llama3\", \"factor\": 8.0, \"beta_fast\": 32}", "'beta_fast'")]
    public void UnsupportedRopeScalingIsRefusedNamingTheTypeOrKey(string scaling, string named)
    {
        var exception = Assert.Throws<EdgeLlmException>(() => ModelConfig.Parse(WithKey("tiny-qwen3", "rope_scaling", scaling)));
        Assert.Contains(named, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void YarnFactorBelowOneIsRefused()
        => Assert.Throws<EdgeLlmException>(() => ModelConfig.Parse(WithKey("tiny-qwen3", "rope_scaling", "{\"rope_type\": \"yarn\", \"factor\": 0.5}")));

    [Theory]
    [InlineData("127")]
    [InlineData("0")]
    public void OddOrZeroHeadDimIsRefused(string headDim)
    {
        var exception = Assert.Throws<EdgeLlmException>(() => ModelConfig.Parse(WithKey("tiny-qwen3", "head_dim", headDim)));
        Assert.Contains("head_dim", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TransformersV5RopeParametersAreRead()
    {
        string json = WithKey("tiny-qwen3", "rope_scaling", "null").Replace("\"rope_theta\": 1000000,", "\"rope_parameters\": {\"rope_type\": \"yarn\", \"rope_theta\": 500000.0, \"factor\": 4.0, \"original_max_position_embeddings\": 10240},", StringComparison.Ordinal);
        ModelConfig config = ModelConfig.Parse(json);
        Assert.Equal(500000.0, config.RopeTheta);
        Assert.Equal(4.0, config.Yarn!.Factor);
    }
}

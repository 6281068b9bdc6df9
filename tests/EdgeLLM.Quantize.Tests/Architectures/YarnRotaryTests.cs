using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Quantize.Architectures;
using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Tests.Shared;

namespace EdgeLLM.Quantize.Tests.Architectures;

/// <summary>
/// YaRN as transformers' <c>_compute_yarn_parameters</c> computes it, checked against values worked out by
/// hand (float64) from that formula for DeepSeek-R1-0528-Qwen3-8B's config: factor 4 over 32768 original
/// positions, head_dim 128, theta 1e6, beta_fast 32, beta_slow 1.
/// </summary>
public sealed class YarnRotaryTests
{
    private static ModelConfig R1_0528() => ModelConfig.Load(TestPaths.Fixture("configs", "deepseek-r1-0528-qwen3-8b"));

    [Fact]
    public void CorrectionRangeIsFlooredAndCeiledFromTheOriginalPositions()
    {
        YarnRopeScaling yarn = R1_0528().Yarn!;
        // find_correction_dim(32) = 23.5959…, find_correction_dim(1) = 39.6509…
        Assert.Equal((23.0, 40.0), yarn.CorrectionRange(128, 1e6));
        (double low, double high) = (yarn with { Truncate = false }).CorrectionRange(128, 1e6);
        Assert.Equal(23.5959476083381, low, 10);
        Assert.Equal(39.6508807104171, high, 10);
    }

    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(22, 0.008659643233600653)]
    [InlineData(23, 0.006978305848598663)]
    [InlineData(24, 0.005375321490790102)]
    [InlineData(30, 0.0010643609812470017)]
    [InlineData(39, 6.490394320837028e-05)]
    [InlineData(40, 4.445698525097307e-05)]
    [InlineData(63, 3.102344401879299e-07)]
    public void InverseFrequenciesMatchTheHandComputedValues(int pair, double expected)
    {
        ModelConfig config = R1_0528();
        double[] frequencies = RotaryCache.YarnInverseFrequencies(config.HeadDim, config.RopeTheta, config.Yarn!);
        Assert.Equal(64, frequencies.Length);
        // inv_freq is fp32 in transformers: compare to fp32 precision.
        Assert.True(Math.Abs(frequencies[pair] - expected) <= 2e-7 * expected, $"pair {pair}: {frequencies[pair]:R} vs {expected:R}");
    }

    [Fact]
    public void PairsBelowTheRangeKeepTheirFrequencyAndPairsAboveAreDividedByTheFactor()
    {
        ModelConfig config = R1_0528();
        double[] yarn = RotaryCache.YarnInverseFrequencies(config.HeadDim, config.RopeTheta, config.Yarn!);
        double[] plain = RotaryCache.InverseFrequencies(config.HeadDim, config.RopeTheta, null);
        for (int i = 0; i <= 23; i++)
        {
            // Equal to fp32 rounding (both are fp32 values; transformers forms the exponent in fp32 for YaRN).
            Assert.True(Math.Abs(yarn[i] - plain[i]) <= 2e-7 * plain[i], $"pair {i}");
        }

        for (int i = 40; i < 64; i++)
        {
            Assert.True(Math.Abs((yarn[i] * 4) - plain[i]) <= 1e-6 * plain[i], $"pair {i}");
        }
    }

    [Fact]
    public void AttentionFactorIsTransformersDefaultAndAttnFactorIsRecordedButNotApplied()
    {
        ModelConfig config = R1_0528();
        YarnRopeScaling yarn = config.Yarn!;
        Assert.Equal(4.0, yarn.Factor);
        Assert.Equal(32768, yarn.OriginalMaxPositionEmbeddings);
        Assert.Equal(1.138629436111989, yarn.AttentionFactor, 12);
        Assert.Equal(0.8782488562869419, yarn.IgnoredAttnFactor);
        Assert.Equal(yarn.AttentionFactor, config.RopeAttentionScale);
        Assert.Equal("yarn", config.RopeType);
        Assert.Null(config.RopeScaling);
    }

    [Fact]
    public void CosAndSinTablesCarryTheAttentionFactor()
    {
        ModelConfig config = R1_0528();
        var cache = RotaryCache.Create(config, 3);
        double[] frequencies = RotaryCache.YarnInverseFrequencies(config.HeadDim, config.RopeTheta, config.Yarn!);
        float scale = (float)config.Yarn!.AttentionFactor;
        Assert.Equal(scale, cache.Cos[0]);
        Assert.Equal(0f, cache.Sin[0]);
        for (int i = 0; i < cache.HalfDim; i++)
        {
            float angle = 2 * (float)frequencies[i];
            Assert.Equal(MathF.Cos(angle) * scale, cache.Cos[(2 * cache.HalfDim) + i], 6);
            Assert.Equal(MathF.Sin(angle) * scale, cache.Sin[(2 * cache.HalfDim) + i], 6);
        }
    }

    [Theory]
    [InlineData("\"attention_factor\": 0.5", 0.5)]
    [InlineData("\"mscale\": 0.707, \"mscale_all_dim\": 0.707", 1.0)]
    [InlineData("\"mscale\": 1.0, \"mscale_all_dim\": 0.5", 1.138629436111989 / 1.0693147180559945)]
    [InlineData("\"mscale\": 1.0", 1.138629436111989)]
    public void AttentionFactorFollowsAttentionFactorThenMscaleRatioThenDefault(string keys, double expected)
    {
        ModelConfig config = ModelConfig.Parse(QwenYarnConfig(keys));
        Assert.Equal(expected, config.Yarn!.AttentionFactor, 12);
    }

    [Fact]
    public void FactorIsTheRatioOfMaxToOriginalPositionsAsInTransformers()
    {
        // transformers replaces the stated factor by max_position_embeddings / original_max_position_embeddings.
        ModelConfig config = ModelConfig.Parse(QwenYarnConfig(string.Empty).Replace("\"max_position_embeddings\": 131072", "\"max_position_embeddings\": 65536", StringComparison.Ordinal));
        Assert.Equal(2.0, config.Yarn!.Factor);
        Assert.Equal(4.0, config.Yarn.StatedFactor);
        Assert.Equal(YarnRopeScaling.MScale(2.0), config.Yarn.AttentionFactor);
    }

    [Fact]
    public void BetasAndTruncateAreRead()
    {
        YarnRopeScaling yarn = ModelConfig.Parse(QwenYarnConfig("\"beta_fast\": 16, \"beta_slow\": 2, \"truncate\": false")).Yarn!;
        Assert.Equal((16.0, 2.0, false), (yarn.BetaFast, yarn.BetaSlow, yarn.Truncate));
    }

    internal static string QwenYarnConfig(string extraScalingKeys) => $$"""
        {
          "model_type": "qwen3", "hidden_size": 128, "intermediate_size": 384, "num_hidden_layers": 2,
          "num_attention_heads": 2, "num_key_value_heads": 1, "head_dim": 128, "vocab_size": 1000,
          "max_position_embeddings": 131072, "rope_theta": 1000000,
          "rope_scaling": { "rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 32768{{(extraScalingKeys.Length > 0 ? ", " + extraScalingKeys : string.Empty)}} }
        }
        """;
}

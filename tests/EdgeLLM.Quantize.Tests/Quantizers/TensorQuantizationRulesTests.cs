using EdgeLLM.Quantize.Quantizers;

namespace EdgeLLM.Quantize.Tests.Quantizers;

/// <summary>The per-tensor rules: uniform settings everywhere by default, the mixed recipe's 8-bit tensors in llama.cpp's use_more_bits layers.</summary>
public sealed class TensorQuantizationRulesTests
{
    /// <summary>llama.cpp's use_more_bits for 28 layers (the 1.5B distill), worked out by hand: 0–2, 24–27, and 5, 8, …, 23.</summary>
    [Fact]
    public void UsesMoreBitsPicksLlamaCppsLayers()
    {
        int[] expected = [0, 1, 2, 5, 8, 11, 14, 17, 20, 23, 24, 25, 26, 27];
        Assert.Equal(expected, Enumerable.Range(0, 28).Where(layer => TensorQuantizationRules.UsesMoreBits(layer, 28)));
        Assert.Equal([1], Enumerable.Range(0, 2).Where(layer => TensorQuantizationRules.UsesMoreBits(layer, 2)));
        Assert.Equal([2, 4], Enumerable.Range(0, 5).Where(layer => TensorQuantizationRules.UsesMoreBits(layer, 5)));
    }

    [Fact]
    public void UniformRecipeGivesEveryDecoderLinearTheSettingsAndLmHeadItsOwn()
    {
        var settings = new QuantizationSettings { MlpBlockSize = 64 };
        foreach (string name in new[] { "model.layers.1.self_attn.qkv_proj", "model.layers.1.self_attn.o_proj" })
        {
            Assert.Equal(settings.Linear, TensorQuantizationRules.For(settings, name, 2));
        }

        Assert.Equal(settings.Mlp, TensorQuantizationRules.For(settings, "model.layers.1.mlp.down_proj", 2));
        Assert.Equal(64, settings.Mlp.BlockSize);
        Assert.Equal(settings.LmHeadOptions, TensorQuantizationRules.For(settings, "lm_head.weight", 2));
        Assert.Null(TensorQuantizationRules.For(settings with { LmHead = LmHeadPrecision.Fp32 }, "lm_head.weight", 2));
    }

    [Fact]
    public void MixedRecipeGivesEightBitsToQkvAndDownOnlyInTheChosenLayers()
    {
        var settings = new QuantizationSettings { Recipe = QuantizationRecipe.Mixed, Asymmetric = true, BlockSize = 64 };
        Assert.Equal(settings.Linear with { Bits = 8 }, TensorQuantizationRules.For(settings, "model.layers.1.self_attn.qkv_proj", 2));
        Assert.Equal(settings.Mlp with { Bits = 8 }, TensorQuantizationRules.For(settings, "model.layers.1.mlp.down_proj", 2));
        Assert.Equal(settings.Linear, TensorQuantizationRules.For(settings, "model.layers.0.self_attn.qkv_proj", 2));
        Assert.Equal(settings.Mlp, TensorQuantizationRules.For(settings, "model.layers.0.mlp.down_proj", 2));
        Assert.Equal(settings.Linear, TensorQuantizationRules.For(settings, "model.layers.1.self_attn.o_proj", 2));
        Assert.Equal(settings.Mlp, TensorQuantizationRules.For(settings, "model.layers.1.mlp.gate_proj", 2));
        Assert.Equal(settings.Mlp, TensorQuantizationRules.For(settings, "model.layers.1.mlp.up_proj", 2));
        Assert.Equal(settings.Linear with { Bits = 8 }, TensorQuantizationRules.For(settings, "model.layers.23.self_attn.qkv_proj", 28));
        Assert.Equal(settings.Linear, TensorQuantizationRules.For(settings, "model.layers.22.self_attn.qkv_proj", 28));
    }
}

using EdgeLLM.Quantize.Checkpoints;

namespace EdgeLLM.Quantize.Quantizers;

/// <summary>
/// The one place that decides how each Linear weight is quantized: lm_head by its own setting, the MLP
/// projections at the MLP block size, the rest at the settings' bits and block size, and with the
/// <see cref="QuantizationRecipe.Mixed"/> recipe 8 bits for the packed q/k/v (it holds v) and the down
/// projection of the layers llama.cpp's Q4_K_M gives more bits. edgellm.json records the outcome per tensor.
/// Only layouts MatMulNBits defines: bits 4 or 8, block sizes 16..256, packed uint8 zero points.
/// </summary>
public static class TensorQuantizationRules
{
    private const string LayerPrefix = "model.layers.";

    /// <summary>The options of weight <paramref name="name"/> in a model of <paramref name="layerCount"/> layers; null keeps it in floating point.</summary>
    public static BlockQuantizationOptions? For(QuantizationSettings settings, string name, int layerCount)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(name);
        if (name == HuggingFaceLayout.LmHead)
        {
            return settings.LmHeadOptions;
        }

        bool mlp = name.Contains(".mlp.", StringComparison.Ordinal);
        BlockQuantizationOptions options = mlp ? settings.Mlp : settings.Linear;
        if (settings.Recipe == QuantizationRecipe.Mixed && options.Bits < 8 && HoldsValuesOrDown(name) && LayerOf(name) is int layer && UsesMoreBits(layer, layerCount))
        {
            return options with { Bits = 8 };
        }

        return options;
    }

    /// <summary>
    /// llama.cpp's use_more_bits(i, n): layers in the first or last eighth, and every third layer between
    /// (i − n/8) % 3 == 2, with integer division as there.
    /// </summary>
    public static bool UsesMoreBits(int layer, int layerCount)
    {
        int eighth = layerCount / 8;
        return layer < eighth || layer >= 7 * layerCount / 8 || (layer - eighth) % 3 == 2;
    }

    private static bool HoldsValuesOrDown(string name)
        => name.EndsWith(".self_attn.qkv_proj", StringComparison.Ordinal)
        || name.EndsWith(".self_attn.v_proj", StringComparison.Ordinal)
        || name.EndsWith(".mlp.down_proj", StringComparison.Ordinal);

    private static int? LayerOf(string name)
    {
        if (!name.StartsWith(LayerPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        int end = name.IndexOf('.', LayerPrefix.Length);
        return end > LayerPrefix.Length && int.TryParse(name.AsSpan(LayerPrefix.Length, end - LayerPrefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int layer) ? layer : null;
    }
}

using System.Text.Json;
using EdgeLLM.Format;

namespace EdgeLLM.Quantize.Checkpoints;

/// <summary>
/// config.json keys that change a model's math and that EdgeLLM's graph does not implement: a config
/// that sets one is refused with one line naming the key, never converted as if the key were absent.
/// (rope_scaling / rope_parameters types and keys, head_dim and hidden_act are checked where
/// <see cref="ModelConfig"/> reads them.)
/// </summary>
public static class UnsupportedConfigKeys
{
    /// <summary>Every key checked here, with what makes it refused (for docs and error lines).</summary>
    public static IReadOnlyList<(string Key, string RefusedWhen)> Checked { get; } =
    [
        ("use_sliding_window", "true (sliding-window attention)"),
        ("layer_types", "any entry other than \"full_attention\""),
        ("attention_bias", "true on llama or qwen3 (an o_proj bias; qwen2's fixed q/k/v biases are implemented)"),
        ("mlp_bias", "true"),
        ("partial_rotary_factor", "anything but 1"),
        ("use_mrope", "true (multimodal RoPE)"),
        ("attn_logit_softcapping", "a number"),
        ("final_logit_softcapping", "a number"),
        ("logits_scaling", "anything but 1"),
        ("embedding_multiplier", "anything but 1"),
        ("residual_multiplier", "anything but 1"),
        ("attention_multiplier", "a number"),
        ("no_rope_layers", "any layer without RoPE"),
        ("num_experts", "a number above 0 (mixture of experts)"),
    ];

    public static void Check(JsonElement root, ModelArchitecture architecture, string source)
    {
        if (IsTrue(root, "use_sliding_window"))
        {
            throw Refuse(source, "use_sliding_window", "true: sliding-window attention is not implemented (the graph would silently attend to the whole context)");
        }

        if (root.TryGetProperty("layer_types", out JsonElement layerTypes) && layerTypes.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement layerType in layerTypes.EnumerateArray())
            {
                if (layerType.ValueKind != JsonValueKind.String || layerType.GetString() != "full_attention")
                {
                    throw Refuse(source, "layer_types", $"contains {layerType.GetRawText()}: only full_attention layers are implemented");
                }
            }
        }

        if (architecture != ModelArchitecture.Qwen2 && IsTrue(root, "attention_bias"))
        {
            throw Refuse(source, "attention_bias", "true: the o_proj bias it implies is not implemented");
        }

        if (IsTrue(root, "mlp_bias"))
        {
            throw Refuse(source, "mlp_bias", "true: MLP biases are not implemented");
        }

        if (IsTrue(root, "use_mrope"))
        {
            throw Refuse(source, "use_mrope", "true: multimodal RoPE is not implemented");
        }

        RefuseUnlessOne(root, "partial_rotary_factor", source);
        RefuseUnlessOne(root, "logits_scaling", source);
        RefuseUnlessOne(root, "embedding_multiplier", source);
        RefuseUnlessOne(root, "residual_multiplier", source);
        foreach (string key in (string[])["attn_logit_softcapping", "final_logit_softcapping", "attention_multiplier"])
        {
            if (root.TryGetProperty(key, out JsonElement value) && value.ValueKind != JsonValueKind.Null)
            {
                throw Refuse(source, key, $"{value.GetRawText()}: not implemented");
            }
        }

        if (root.TryGetProperty("no_rope_layers", out JsonElement noRope) && noRope.ValueKind == JsonValueKind.Array
            && noRope.EnumerateArray().Any(layer => !(layer.ValueKind == JsonValueKind.Number && layer.GetDouble() == 1)))
        {
            throw Refuse(source, "no_rope_layers", "names layers without RoPE: not implemented");
        }

        if (root.TryGetProperty("num_experts", out JsonElement experts) && experts.ValueKind == JsonValueKind.Number && experts.GetDouble() > 0)
        {
            throw Refuse(source, "num_experts", $"{experts.GetRawText()}: mixture-of-experts layers are not implemented");
        }
    }

    private static void RefuseUnlessOne(JsonElement root, string key, string source)
    {
        if (root.TryGetProperty(key, out JsonElement value) && value.ValueKind != JsonValueKind.Null
            && !(value.ValueKind == JsonValueKind.Number && value.GetDouble() == 1.0))
        {
            throw Refuse(source, key, $"{value.GetRawText()}: only 1 is implemented");
        }
    }

    private static bool IsTrue(JsonElement root, string key)
        => root.TryGetProperty(key, out JsonElement value) && value.ValueKind == JsonValueKind.True;

    private static EdgeLlmException Refuse(string source, string key, string why)
        => new($"{source}: '{key}' {why}; EdgeLLM refuses config keys that would change the math rather than ignore them");
}

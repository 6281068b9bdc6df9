using EdgeLLM.Format;
using EdgeLLM.Quantize.Checkpoints;

namespace EdgeLLM.Quantize.Gguf;

/// <summary>
/// Hugging Face tensor names → llama.cpp's GGUF names (gguf-py's <c>tensor_mapping.py</c> for Llama,
/// Qwen2 and Qwen3): <c>token_embd</c>, <c>blk.N.attn_q/k/v/output</c>, <c>attn_q_norm/attn_k_norm</c>,
/// <c>ffn_gate/up/down</c>, <c>attn_norm</c>, <c>ffn_norm</c>, <c>output_norm</c>, <c>output</c>.
/// </summary>
public static class GgufTensorNames
{
    public const string TokenEmbedding = "token_embd.weight";
    public const string Output = "output.weight";
    public const string OutputNorm = "output_norm.weight";

    /// <summary>Llama 3 RoPE frequency factors (only for rope_scaling type llama3).</summary>
    public const string RopeFrequencies = "rope_freqs.weight";

    private const string LayerPrefix = "model.layers.";

    private static readonly Dictionary<string, string> LayerParts = new(StringComparer.Ordinal)
    {
        ["input_layernorm"] = "attn_norm",
        ["self_attn.q_proj"] = "attn_q",
        ["self_attn.k_proj"] = "attn_k",
        ["self_attn.v_proj"] = "attn_v",
        ["self_attn.o_proj"] = "attn_output",
        ["self_attn.q_norm"] = "attn_q_norm",
        ["self_attn.k_norm"] = "attn_k_norm",
        ["post_attention_layernorm"] = "ffn_norm",
        ["mlp.gate_proj"] = "ffn_gate",
        ["mlp.up_proj"] = "ffn_up",
        ["mlp.down_proj"] = "ffn_down",
    };

    /// <summary>The GGUF name of a Hugging Face tensor, or a <see cref="EdgeLlmException"/> naming it.</summary>
    public static string FromHuggingFace(string name)
    {
        switch (name)
        {
            case HuggingFaceLayout.Embedding: return TokenEmbedding;
            case HuggingFaceLayout.FinalNorm: return OutputNorm;
            case HuggingFaceLayout.LmHead: return Output;
        }

        if (name.StartsWith(LayerPrefix, StringComparison.Ordinal))
        {
            string rest = name[LayerPrefix.Length..];
            int dot = rest.IndexOf('.', StringComparison.Ordinal);
            int lastDot = rest.LastIndexOf('.');
            if (dot > 0 && lastDot > dot && int.TryParse(rest[..dot], out int layer)
                && LayerParts.TryGetValue(rest[(dot + 1)..lastDot], out string? part))
            {
                return $"blk.{layer}.{part}{rest[lastDot..]}";
            }
        }

        throw new EdgeLlmException($"tensor '{name}' has no GGUF name (supported: Llama, Qwen2, Qwen3 decoder tensors)");
    }
}

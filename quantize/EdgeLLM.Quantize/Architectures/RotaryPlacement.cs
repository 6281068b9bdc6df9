namespace EdgeLLM.Quantize.Architectures;

/// <summary>Where the decoder graph applies RoPE to q and k.</summary>
public enum RotaryPlacement
{
    /// <summary><see cref="Fused"/> when head_dim % 16 == 0 (what GroupQueryAttention's rotary needs), else <see cref="Separate"/>.</summary>
    Auto,

    /// <summary>Inside GroupQueryAttention (do_rotary=1): no position_ids, positions come from seqlens_k.</summary>
    Fused,

    /// <summary>com.microsoft RotaryEmbedding nodes on q and k with position_ids derived from the attention mask, then GroupQueryAttention with do_rotary=0.</summary>
    Separate,
}

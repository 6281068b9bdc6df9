namespace EdgeLLM.Quantize.Quantizers;

/// <summary>Which tensors get more bits than the rest (see <see cref="TensorQuantizationRules"/>).</summary>
public enum QuantizationRecipe
{
    /// <summary>Every decoder Linear layer at the settings' bits (lm_head and embeddings by their own settings).</summary>
    Uniform,

    /// <summary>
    /// Like llama.cpp's Q4_K_M: the attention projection that holds the values (the packed q/k/v) and the MLP
    /// down projection get 8 bits in the layers llama.cpp's use_more_bits picks (the first and last eighth of the
    /// layers and every third one between); the output projection follows the lm_head setting (int8 by default).
    /// </summary>
    Mixed,
}

namespace EdgeLLM.Format.ModelFolder;

/// <summary>
/// What edgellm.json's <c>quantization</c> section says about block sizes and the precision of lm_head and an
/// untied embedding table (the per-tensor errors it also holds are for people, not read back).
/// </summary>
/// <param name="BlockSize">Elements per block along K of the decoder layers' MatMulNBits weights.</param>
public sealed record ManifestQuantization(int BlockSize)
{
    /// <summary>The MLP projections' block size when written (<c>mlp_block_size</c>); null: <see cref="BlockSize"/>.</summary>
    public int? MlpBlockSize { get; init; }

    /// <summary>lm_head's precision (<c>lm_head</c>), or null when not written.</summary>
    public WeightPrecision? LmHead { get; init; }

    /// <summary>lm_head's block size when written (<c>lm_head_block_size</c>); null: <see cref="BlockSize"/>.</summary>
    public int? LmHeadBlockSize { get; init; }

    /// <summary>An untied embedding table's precision (<c>embeddings</c>); null when tied or not written.</summary>
    public WeightPrecision? Embeddings { get; init; }
}

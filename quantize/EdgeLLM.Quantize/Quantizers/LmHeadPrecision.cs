namespace EdgeLLM.Quantize.Quantizers;

/// <summary>How lm_head (and, when tied, the embedding that shares its weights) is stored in a quantized model.</summary>
public enum LmHeadPrecision
{
    /// <summary>8-bit blocks: the default, since the logits feel lm_head's error most directly.</summary>
    Int8,

    /// <summary>4-bit blocks, like every other Linear layer (what ONNX Runtime GenAI's builder does).</summary>
    Int4,

    /// <summary>Plain fp32 weights.</summary>
    Fp32,
}

using EdgeLLM.Format;

namespace EdgeLLM.Quantize.Architectures;

/// <summary>The execution provider a decoder graph is shaped for (<c>quantize --target</c>).</summary>
public enum GraphTarget
{
    /// <summary>ONNX Runtime's CPU provider: fp32 activations and I/O, packed q|k|v, RoPE inside GroupQueryAttention when head_dim allows, MatMulNBits accuracy_level as set (4: int8 compute).</summary>
    Cpu,

    /// <summary>
    /// DirectML: fp16 activations, KV cache and logits; q, k and v as three MatMuls; RoPE as com.microsoft
    /// RotaryEmbedding nodes (position_ids from the attention mask) and GroupQueryAttention with do_rotary 0;
    /// MatMulNBits accuracy_level 0 (see the DirectML section of onnx-graph-facts.md).
    /// </summary>
    DirectML,
}

/// <summary>Names of <see cref="GraphTarget"/> as the command line and edgellm.json spell them.</summary>
public static class GraphTargets
{
    public static string Name(this GraphTarget target) => target == GraphTarget.DirectML ? "dml" : "cpu";

    /// <summary>Parses "cpu" or "dml" (case-insensitive); the error names the option.</summary>
    public static GraphTarget Parse(string name) => name.ToLowerInvariant() switch
    {
        "cpu" => GraphTarget.Cpu,
        "dml" or "directml" => GraphTarget.DirectML,
        _ => throw new EdgeLlmException($"target must be cpu or dml, not '{name}'"),
    };
}

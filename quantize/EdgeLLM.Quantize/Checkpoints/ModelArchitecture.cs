namespace EdgeLLM.Quantize.Checkpoints;

/// <summary>The decoder families EdgeLLM converts (config.json <c>model_type</c>).</summary>
public enum ModelArchitecture
{
    /// <summary>Llama 2/3/3.1 (R1-Distill-Llama): no biases, optional llama3 RoPE scaling.</summary>
    Llama,

    /// <summary>Qwen2 (R1-Distill-Qwen): q/k/v biases.</summary>
    Qwen2,

    /// <summary>Qwen3 (R1-0528-Qwen3): per-head RMS norms on q and k, head_dim may differ from hidden/heads.</summary>
    Qwen3,
}

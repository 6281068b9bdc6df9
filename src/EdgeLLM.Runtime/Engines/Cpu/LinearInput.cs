namespace EdgeLLM.Runtime.Engines.Cpu;

/// <summary>The inputs of a decoder layer's Linear layers, as <see cref="ILinearInputObserver"/> names them.</summary>
public enum LinearInput
{
    /// <summary>The normed hidden state read by the packed q|k|v projection.</summary>
    QueryKeyValue,

    /// <summary>The attention output read by o_proj.</summary>
    AttentionOutput,

    /// <summary>The normed hidden state read by gate_proj and up_proj.</summary>
    GateUp,

    /// <summary>SiLU(gate)·up, read by down_proj.</summary>
    Down,
}

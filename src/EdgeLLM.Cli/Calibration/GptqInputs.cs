namespace EdgeLLM.Cli.Calibration;

/// <summary>Which decoder inputs keep their whole E[x·xᵀ] during calibration, so the weights reading them get GPTQ rounding.</summary>
public enum GptqInputs
{
    /// <summary>None: every weight gets the importance-weighted scale search alone.</summary>
    None,

    /// <summary>
    /// The attention input (q|k|v), the attention output (o_proj) and the MLP input (gate/up): the hidden-size-wide ones.
    /// The down projection's input, intermediate-size wide (8,960 on the 1.5B: a 160 MB covariance and a 960 MB
    /// factorization per layer), keeps the importance-weighted search. The default.
    /// </summary>
    AllButDown,

    /// <summary>Every decoder input, the down projection's included (<c>quantize --gptq</c>).</summary>
    All,
}

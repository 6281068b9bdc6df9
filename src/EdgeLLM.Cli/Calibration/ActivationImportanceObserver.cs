using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Quantize.Quantizers;
using EdgeLLM.Runtime.Engines.Cpu;

namespace EdgeLLM.Cli.Calibration;

/// <summary>
/// Collects E[x²] per input channel of every decoder Linear layer from the CPU engine's forward passes and names
/// the result after the weights that read those inputs (the converter's graph names: packed q|k|v, and the separate
/// q/k/v projections of the DirectML graph, share the attention input; gate and up share theirs). For the inputs that
/// <see cref="GptqInputs"/> names it keeps the whole E[x·xᵀ] instead (GPTQ's Hessian; a packed float triangle per
/// input), whose diagonal is the same importance. An untied lm_head's input, the final norm's output, weights its scale
/// search too, and keeps its E[x·xᵀ] when asked (GPTQ on a 4-bit lm_head: the int8 one gains nothing measurable from it);
/// a tied lm_head is also the embedding table, whose rows are read as they are stored, so it gets neither.
/// </summary>
internal sealed class ActivationImportanceObserver : ILinearInputObserver
{
    private static readonly LinearInput[] Inputs = Enum.GetValues<LinearInput>();
    private readonly ActivationSquares?[] squares;
    private readonly ActivationCovariance?[] covariances;
    private readonly int layerCount;
    private readonly ActivationSquares? lmHeadSquares;
    private readonly ActivationCovariance? lmHeadCovariance;

    /// <param name="config">The model whose decoder Linear inputs (and untied lm_head input) are observed.</param>
    /// <param name="gptq">The decoder inputs whose whole E[x·xᵀ] is kept for GPTQ.</param>
    /// <param name="lmHeadGptq">Keep an untied lm_head's E[x·xᵀ] for GPTQ rounding.</param>
    public ActivationImportanceObserver(ModelConfig config, GptqInputs gptq, bool lmHeadGptq)
    {
        ArgumentNullException.ThrowIfNull(config);
        layerCount = config.LayerCount;
        squares = new ActivationSquares?[layerCount * Inputs.Length];
        covariances = new ActivationCovariance?[layerCount * Inputs.Length];
        for (int layer = 0; layer < layerCount; layer++)
        {
            foreach (LinearInput input in Inputs)
            {
                int width = Width(config, input);
                if (KeepsCovariance(gptq, input))
                {
                    covariances[Index(layer, input)] = new ActivationCovariance(width);
                }
                else
                {
                    squares[Index(layer, input)] = new ActivationSquares(width);
                }
            }
        }

        if (!config.TieWordEmbeddings)
        {
            if (lmHeadGptq)
            {
                lmHeadCovariance = new ActivationCovariance(config.HiddenSize);
            }
            else
            {
                lmHeadSquares = new ActivationSquares(config.HiddenSize);
            }
        }
    }

    /// <summary>Bytes the covariances of the <paramref name="gptq"/> inputs of every decoder layer and, when asked, of an untied lm_head's input take.</summary>
    public static long CovarianceBytes(ModelConfig config, GptqInputs gptq, bool lmHeadGptq)
    {
        ArgumentNullException.ThrowIfNull(config);
        long perLayer = 0;
        foreach (LinearInput input in Inputs)
        {
            perLayer += KeepsCovariance(gptq, input) ? ActivationCovariance.BytesFor(Width(config, input)) : 0;
        }

        long lmHead = lmHeadGptq && !config.TieWordEmbeddings ? ActivationCovariance.BytesFor(config.HiddenSize) : 0;
        return (perLayer * config.LayerCount) + lmHead;
    }

    public void Observe(int layer, LinearInput input, ReadOnlySpan<float> rows)
    {
        if (covariances[Index(layer, input)] is { } covariance)
        {
            covariance.Add(rows);
        }
        else
        {
            squares[Index(layer, input)]!.Add(rows);
        }
    }

    public void ObserveLmHeadInput(ReadOnlySpan<float> rows)
    {
        lmHeadCovariance?.Add(rows);
        lmHeadSquares?.Add(rows);
    }

    /// <summary>The importance table of every decoder Linear weight and an untied lm_head, from the rows seen so far.</summary>
    public ChannelImportance ToImportance(long tokenCount, string source)
    {
        var channels = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var inputCovariances = new Dictionary<string, ActivationCovariance>(StringComparer.Ordinal);
        for (int layer = 0; layer < layerCount; layer++)
        {
            foreach (LinearInput input in Inputs)
            {
                ActivationCovariance? covariance = covariances[Index(layer, input)];
                float[] means = covariance is not null ? covariance.Means() : squares[Index(layer, input)]!.Means();
                foreach (string module in ModulesReading(input))
                {
                    string name = HuggingFaceLayout.Layer(layer, module);
                    channels[name] = means;
                    if (covariance is not null)
                    {
                        inputCovariances[name] = covariance;
                    }
                }
            }
        }

        if (lmHeadCovariance is not null)
        {
            channels[HuggingFaceLayout.LmHead] = lmHeadCovariance.Means();
            inputCovariances[HuggingFaceLayout.LmHead] = lmHeadCovariance;
        }
        else if (lmHeadSquares is not null)
        {
            channels[HuggingFaceLayout.LmHead] = lmHeadSquares.Means();
        }

        return new ChannelImportance(channels, inputCovariances, tokenCount, source);
    }

    private static bool KeepsCovariance(GptqInputs gptq, LinearInput input)
        => gptq == GptqInputs.All || (gptq == GptqInputs.AllButDown && input != LinearInput.Down);

    private static int Width(ModelConfig config, LinearInput input) => input switch
    {
        LinearInput.AttentionOutput => config.HeadCount * config.HeadDim,
        LinearInput.Down => config.IntermediateSize,
        _ => config.HiddenSize,
    };

    private static string[] ModulesReading(LinearInput input) => input switch
    {
        LinearInput.QueryKeyValue => ["self_attn.qkv_proj", "self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj"],
        LinearInput.AttentionOutput => ["self_attn.o_proj"],
        LinearInput.GateUp => ["mlp.gate_proj", "mlp.up_proj"],
        _ => ["mlp.down_proj"],
    };

    private static int Index(int layer, LinearInput input) => (layer * Inputs.Length) + (int)input;
}

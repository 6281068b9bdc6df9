using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Quantize.Quantizers;
using EdgeLLM.Runtime.Engines.Cpu;

namespace EdgeLLM.Cli.Calibration;

/// <summary>
/// Collects E[x²] per input channel of every decoder Linear layer from the CPU engine's forward passes and names
/// the result after the weights that read those inputs (the converter's graph names: packed q|k|v, and the separate
/// q/k/v projections of the DirectML graph, share the attention input; gate and up share theirs). With
/// <c>covariances</c> it keeps the whole E[x·xᵀ] of each input instead (GPTQ's Hessian; a packed float triangle per
/// input), whose diagonal is the same importance.
/// </summary>
internal sealed class ActivationImportanceObserver : ILinearInputObserver
{
    private static readonly LinearInput[] Inputs = Enum.GetValues<LinearInput>();
    private readonly ActivationSquares[]? squares;
    private readonly ActivationCovariance[]? covariances;
    private readonly int layerCount;

    public ActivationImportanceObserver(ModelConfig config)
        : this(config, covariances: false)
    {
    }

    public ActivationImportanceObserver(ModelConfig config, bool covariances)
    {
        ArgumentNullException.ThrowIfNull(config);
        layerCount = config.LayerCount;
        if (covariances)
        {
            this.covariances = new ActivationCovariance[layerCount * Inputs.Length];
        }
        else
        {
            squares = new ActivationSquares[layerCount * Inputs.Length];
        }

        for (int layer = 0; layer < layerCount; layer++)
        {
            foreach (LinearInput input in Inputs)
            {
                int width = Width(config, input);
                if (this.covariances is not null)
                {
                    this.covariances[Index(layer, input)] = new ActivationCovariance(width);
                }
                else
                {
                    squares![Index(layer, input)] = new ActivationSquares(width);
                }
            }
        }
    }

    /// <summary>Bytes the covariances of every decoder layer's inputs take.</summary>
    public static long CovarianceBytes(ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        long perLayer = 0;
        foreach (LinearInput input in Inputs)
        {
            perLayer += ActivationCovariance.BytesFor(Width(config, input));
        }

        return perLayer * config.LayerCount;
    }

    public void Observe(int layer, LinearInput input, ReadOnlySpan<float> rows)
    {
        if (covariances is not null)
        {
            covariances[Index(layer, input)].Add(rows);
        }
        else
        {
            squares![Index(layer, input)].Add(rows);
        }
    }

    /// <summary>The importance table of every decoder Linear weight, from the rows seen so far.</summary>
    public ChannelImportance ToImportance(long tokenCount, string source)
    {
        var channels = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var inputCovariances = new Dictionary<string, ActivationCovariance>(StringComparer.Ordinal);
        for (int layer = 0; layer < layerCount; layer++)
        {
            foreach (LinearInput input in Inputs)
            {
                ActivationCovariance? covariance = covariances?[Index(layer, input)];
                float[] means = covariance is not null ? covariance.Means() : squares![Index(layer, input)].Means();
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

        return new ChannelImportance(channels, inputCovariances, tokenCount, source);
    }

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

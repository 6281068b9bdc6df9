using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Quantize.Quantizers;
using EdgeLLM.Runtime.Engines.Cpu;

namespace EdgeLLM.Cli.Calibration;

/// <summary>
/// Collects E[x²] per input channel of every decoder Linear layer from the CPU engine's forward passes and names
/// the result after the weights that read those inputs (the converter's graph names: packed q|k|v, and the separate
/// q/k/v projections of the DirectML graph, share the attention input; gate and up share theirs).
/// </summary>
internal sealed class ActivationImportanceObserver : ILinearInputObserver
{
    private static readonly LinearInput[] Inputs = Enum.GetValues<LinearInput>();
    private readonly ActivationSquares[] squares;
    private readonly int layerCount;

    public ActivationImportanceObserver(ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        layerCount = config.LayerCount;
        squares = new ActivationSquares[layerCount * Inputs.Length];
        for (int layer = 0; layer < layerCount; layer++)
        {
            foreach (LinearInput input in Inputs)
            {
                squares[Index(layer, input)] = new ActivationSquares(input switch
                {
                    LinearInput.AttentionOutput => config.HeadCount * config.HeadDim,
                    LinearInput.Down => config.IntermediateSize,
                    _ => config.HiddenSize,
                });
            }
        }
    }

    public void Observe(int layer, LinearInput input, ReadOnlySpan<float> rows) => squares[Index(layer, input)].Add(rows);

    /// <summary>The importance table of every decoder Linear weight, from the rows seen so far.</summary>
    public ChannelImportance ToImportance(long tokenCount, string source)
    {
        var channels = new Dictionary<string, float[]>(StringComparer.Ordinal);
        for (int layer = 0; layer < layerCount; layer++)
        {
            foreach (LinearInput input in Inputs)
            {
                float[] means = squares[Index(layer, input)].Means();
                foreach (string module in ModulesReading(input))
                {
                    channels[HuggingFaceLayout.Layer(layer, module)] = means;
                }
            }
        }

        return new ChannelImportance(channels, tokenCount, source);
    }

    private static string[] ModulesReading(LinearInput input) => input switch
    {
        LinearInput.QueryKeyValue => ["self_attn.qkv_proj", "self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj"],
        LinearInput.AttentionOutput => ["self_attn.o_proj"],
        LinearInput.GateUp => ["mlp.gate_proj", "mlp.up_proj"],
        _ => ["mlp.down_proj"],
    };

    private static int Index(int layer, LinearInput input) => (layer * Inputs.Length) + (int)input;
}

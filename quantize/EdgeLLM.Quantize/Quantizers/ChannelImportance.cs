using EdgeLLM.Format;

namespace EdgeLLM.Quantize.Quantizers;

/// <summary>
/// Per Linear weight (by graph name, e.g. <c>model.layers.0.mlp.down_proj</c>), the importance of each input channel:
/// the mean squared activation that channel carried over a calibration text run through the full-precision model
/// (llama.cpp's importance matrix). The scale search weighs each weight's squared error by its channel's importance,
/// so the error lands where the activations are small. Weights it does not name are quantized unweighted.
/// </summary>
public sealed class ChannelImportance
{
    /// <summary>The smallest importance a channel keeps, as a fraction of the layer's mean channel importance.</summary>
    public const double Floor = 1e-4;

    private readonly Dictionary<string, float[]> channels;

    /// <param name="channels">Weight name → importance per input channel (finite, positive).</param>
    /// <param name="tokenCount">Tokens the calibration run took them from (recorded in edgellm.json).</param>
    /// <param name="source">Where the calibration text came from ("built-in" or a file name; recorded).</param>
    public ChannelImportance(IReadOnlyDictionary<string, float[]> channels, long tokenCount, string source)
    {
        ArgumentNullException.ThrowIfNull(channels);
        ArgumentNullException.ThrowIfNull(source);
        foreach ((string name, float[] values) in channels)
        {
            foreach (float value in values)
            {
                if (!float.IsFinite(value) || value <= 0f)
                {
                    throw new EdgeLlmException($"importance of '{name}' holds {value}: every channel needs a finite positive importance");
                }
            }
        }

        this.channels = new Dictionary<string, float[]>(channels, StringComparer.Ordinal);
        TokenCount = tokenCount;
        Source = source;
    }

    public long TokenCount { get; }

    public string Source { get; }

    /// <summary>Weights with an importance row.</summary>
    public IReadOnlyCollection<string> Names => channels.Keys;

    /// <summary>The importance of weight <paramref name="name"/>'s input channels, or null when the table has none.</summary>
    public float[]? For(string name) => channels.GetValueOrDefault(name);
}

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
    private readonly Dictionary<string, ActivationCovariance> covariances;
    private readonly Lock feedbackLock = new();
    private (ActivationCovariance Covariance, ErrorFeedback Feedback)? lastFeedback;
    private readonly Dictionary<int, ErrorFeedback> spareFactors = [];
    private double[] factorScratch = [];
    private readonly HashSet<string> weighted = new(StringComparer.Ordinal);
    private readonly HashSet<string> fedBack = new(StringComparer.Ordinal);

    /// <param name="channels">Weight name → importance per input channel (finite, positive).</param>
    /// <param name="tokenCount">Tokens the calibration run took them from (recorded in edgellm.json).</param>
    /// <param name="source">Where the calibration text came from ("built-in" or a file name; recorded).</param>
    public ChannelImportance(IReadOnlyDictionary<string, float[]> channels, long tokenCount, string source)
        : this(channels, new Dictionary<string, ActivationCovariance>(), tokenCount, source)
    {
    }

    /// <param name="channels">Weight name → importance per input channel (finite, positive).</param>
    /// <param name="covariances">Weight name → E[x·xᵀ] of its inputs, for GPTQ's error feedback (weights sharing an input share one).</param>
    /// <param name="tokenCount">Tokens the calibration run took them from (recorded in edgellm.json).</param>
    /// <param name="source">Where the calibration text came from ("built-in" or a file name; recorded).</param>
    public ChannelImportance(IReadOnlyDictionary<string, float[]> channels, IReadOnlyDictionary<string, ActivationCovariance> covariances, long tokenCount, string source)
    {
        ArgumentNullException.ThrowIfNull(covariances);
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
        this.covariances = new Dictionary<string, ActivationCovariance>(covariances, StringComparer.Ordinal);
        TokenCount = tokenCount;
        Source = source;
    }

    public long TokenCount { get; }

    public string Source { get; }

    /// <summary>Weights with an importance row.</summary>
    public IReadOnlyCollection<string> Names => channels.Keys;

    /// <summary>Weights with GPTQ error feedback.</summary>
    public IReadOnlyCollection<string> FeedbackNames => covariances.Keys;

    /// <summary>
    /// How many weights asked for their importance row and got one: the table names q, k and v beside the packed q|k|v (one
    /// input serves both graphs), so a conversion uses fewer than <see cref="Names"/> holds.
    /// </summary>
    public int WeightedCount
    {
        get
        {
            lock (weighted)
            {
                return weighted.Count;
            }
        }
    }

    /// <summary>How many weights asked for GPTQ's error feedback and got it (see <see cref="WeightedCount"/>).</summary>
    public int FeedbackCount
    {
        get
        {
            lock (feedbackLock)
            {
                return fedBack.Count;
            }
        }
    }

    /// <summary>The importance of weight <paramref name="name"/>'s input channels, or null when the table has none.</summary>
    public float[]? For(string name)
    {
        float[]? row = channels.GetValueOrDefault(name);
        if (row is not null)
        {
            lock (weighted)
            {
                weighted.Add(name);
            }
        }

        return row;
    }

    /// <summary>
    /// GPTQ's error feedback for weight <paramref name="name"/>, or null when the table has no covariance for it. The last
    /// factor is kept, so weights that share an input and are quantized one after the other (q, k, v; gate, up) factor it once.
    /// </summary>
    public ErrorFeedback? FeedbackFor(string name)
    {
        if (!covariances.TryGetValue(name, out ActivationCovariance? covariance))
        {
            return null;
        }

        lock (feedbackLock)
        {
            fedBack.Add(name);
            if (lastFeedback is { } last && ReferenceEquals(last.Covariance, covariance))
            {
                return last.Feedback;
            }

            ErrorFeedback feedback;
            try
            {
                // One scratch matrix for every factorization, and the storage of an earlier factor of the same width: the
                // weights are quantized one after the other, so no factor but the last is in use (a layer's inputs are
                // 1,536 and 8,960 wide in the 1.5B: without this every layer would leave 0.3 GB behind).
                long size = (long)covariance.Width * covariance.Width;
                if (factorScratch.LongLength < size)
                {
                    factorScratch = [];
                    factorScratch = new double[size];
                }

                if (lastFeedback is { } replaced)
                {
                    spareFactors[replaced.Feedback.Width] = replaced.Feedback;
                    lastFeedback = null;
                }

                feedback = ErrorFeedback.From(covariance, factorScratch, spareFactors.GetValueOrDefault(covariance.Width));
                spareFactors.Remove(covariance.Width);
            }
            catch (EdgeLlmException problem)
            {
                throw new EdgeLlmException($"tensor '{name}': {problem.Message}", problem);
            }

            lastFeedback = (covariance, feedback);
            return feedback;
        }
    }
}

using System.Globalization;
using EdgeLLM.Format;
using EdgeLLM.Format.ModelFolder;

namespace EdgeLLM.Runtime.Sampling;

/// <summary>
/// How the next token is chosen from the logits, with Hugging Face <c>generate()</c> semantics.
/// Every property is checked when set (also in <c>with</c> expressions); a bad value throws an
/// <see cref="EdgeLlmException"/> with a one-line message.
/// </summary>
public sealed record SamplingSettings
{
    /// <summary>Hugging Face's <c>GenerationConfig</c> default for <c>top_k</c> when a checkpoint does not set it.</summary>
    public const int HuggingFaceDefaultTopK = 50;

    /// <summary>Plain argmax decoding (repetition penalty off).</summary>
    public static SamplingSettings Greedy { get; } = new() { Temperature = 0 };

    /// <summary>Softmax temperature; 0 means greedy (argmax), 1 leaves the logits as they are.</summary>
    public double Temperature
    {
        get;
        init => field = double.IsFinite(value) && value >= 0
            ? value
            : throw Invalid($"temperature must be a finite number >= 0 (0 = greedy), got {Format(value)}");
    } = 1.0;

    /// <summary>Keep only the <c>TopK</c> highest logits (ties with the k-th kept); 0 turns it off.</summary>
    public int TopK
    {
        get;
        init => field = value >= 0 ? value : throw Invalid($"top_k must be >= 0 (0 = off), got {value}");
    }

    /// <summary>Nucleus sampling: keep the most likely tokens whose mass reaches <c>TopP</c>; 1 turns it off.</summary>
    public double TopP
    {
        get;
        init => field = value is > 0 and <= 1
            ? value
            : throw Invalid($"top_p must be in (0, 1] (1 = off), got {Format(value)}");
    } = 1.0;

    /// <summary>Drop tokens whose probability is below <c>MinP</c> times the largest probability; 0 turns it off.</summary>
    public double MinP
    {
        get;
        init => field = value is >= 0 and <= 1
            ? value
            : throw Invalid($"min_p must be in [0, 1] (0 = off), got {Format(value)}");
    }

    /// <summary>CTRL repetition penalty on every token already seen (divide positive logits, multiply negative ones); 1 turns it off.</summary>
    public double RepetitionPenalty
    {
        get;
        init => field = double.IsFinite(value) && value > 0
            ? value
            : throw Invalid($"repetition_penalty must be a finite number > 0 (1 = off), got {Format(value)}");
    } = 1.0;

    /// <summary>OpenAI's presence penalty in [-2, 2]: subtracted once from every token already drawn in this completion; 0 turns it off.</summary>
    public double PresencePenalty
    {
        get;
        init => field = value is >= -2 and <= 2
            ? value
            : throw Invalid($"presence_penalty must be in [-2, 2] (0 = off), got {Format(value)}");
    }

    /// <summary>OpenAI's frequency penalty in [-2, 2]: subtracted per earlier draw of a token in this completion; 0 turns it off.</summary>
    public double FrequencyPenalty
    {
        get;
        init => field = value is >= -2 and <= 2
            ? value
            : throw Invalid($"frequency_penalty must be in [-2, 2] (0 = off), got {Format(value)}");
    }

    /// <summary>Seed of the sampler's random generator; null draws one from the operating system.</summary>
    public ulong? Seed { get; init; }

    /// <summary>True when the next token is the argmax (temperature 0).</summary>
    public bool IsGreedy => Temperature == 0;

    /// <summary>
    /// The settings Hugging Face <c>generate()</c> would use for a checkpoint's generation_config.json:
    /// <c>do_sample</c> not true means greedy (its default is false); when sampling, absent fields take
    /// Hugging Face's defaults (temperature 1, top_k 50, top_p 1, no min_p); a repetition penalty applies
    /// to greedy decoding too. DeepSeek-R1 distills ship do_sample true, temperature 0.6, top_p 0.95.
    /// </summary>
    public static SamplingSettings FromGenerationDefaults(GenerationDefaults defaults, ulong? seed = null)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        double repetitionPenalty = defaults.RepetitionPenalty ?? 1.0;
        if (defaults.DoSample != true)
        {
            return new SamplingSettings { Temperature = 0, RepetitionPenalty = repetitionPenalty, Seed = seed };
        }

        return new SamplingSettings
        {
            Temperature = defaults.Temperature ?? 1.0,
            TopK = defaults.TopK ?? HuggingFaceDefaultTopK,
            TopP = defaults.TopP ?? 1.0,
            MinP = defaults.MinP ?? 0.0,
            RepetitionPenalty = repetitionPenalty,
            Seed = seed,
        };
    }

    private static EdgeLlmException Invalid(string message) => new($"Sampling settings: {message}.");

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

using System.CommandLine;
using EdgeLLM.Runtime.Chat;

namespace EdgeLLM.Cli.Commands;

/// <summary>
/// The sampling options (<c>--temperature</c>, <c>--top-p</c>, <c>--top-k</c>, <c>--min-p</c>,
/// <c>--repetition-penalty</c>, <c>--seed</c>); each one absent leaves the model's generation_config.json default.
/// </summary>
internal sealed class SamplingOptions
{
    private readonly Option<double?> temperature = new("--temperature") { Description = "0 = greedy (default: the model's generation_config.json)" };
    private readonly Option<double?> topP = new("--top-p") { Description = "Nucleus sampling mass (1 = off)" };
    private readonly Option<int?> topK = new("--top-k") { Description = "Keep the k most likely tokens (0 = off)" };
    private readonly Option<double?> minP = new("--min-p") { Description = "Drop tokens below min-p x the top probability (0 = off)" };
    private readonly Option<double?> repetitionPenalty = new("--repetition-penalty") { Description = "Hugging Face repetition penalty (1 = off)" };
    private readonly Option<ulong?> seed = new("--seed") { Description = "Seed for reproducible sampling" };

    /// <summary>Adds the options to <paramref name="command"/>, in the order above.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(temperature);
        command.Options.Add(topP);
        command.Options.Add(topK);
        command.Options.Add(minP);
        command.Options.Add(repetitionPenalty);
        command.Options.Add(seed);
    }

    /// <summary><paramref name="settings"/> with the sampling values given (null where absent).</summary>
    public ChatSettings ApplyTo(ChatSettings settings, ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(parse);
        return settings with
        {
            Temperature = parse.GetValue(temperature),
            TopP = parse.GetValue(topP),
            TopK = parse.GetValue(topK),
            MinP = parse.GetValue(minP),
            RepetitionPenalty = parse.GetValue(repetitionPenalty),
            Seed = parse.GetValue(seed),
        };
    }
}

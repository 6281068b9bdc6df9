using System.CommandLine;

namespace EdgeLLM.Cli.Commands;

/// <summary>
/// <c>--model/-m</c> of every verb that runs a model (generate, chat, bench, serve, eval): a model folder, or the name
/// of one found (a kit's <c>models/</c>, <c>~/.edgellm/models</c>, …), looked up through <see cref="ModelChecks.Resolve"/>.
/// Each verb keeps its own description; chat's is optional (no model: pick from the models found).
/// </summary>
internal sealed class ModelOption
{
    private readonly Option<string?> option;

    public ModelOption(string description, bool required = true)
        => option = new Option<string?>("--model", "-m") { Description = description, Required = required };

    /// <summary>Adds the option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(option);
    }

    /// <summary>The value as given, or null where the option is optional and absent.</summary>
    public string? Given(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return parse.GetValue(option);
    }

    /// <summary>The model folder of a required <c>-m</c>: a path as given, or the folder of the model of that name.</summary>
    public string Resolve(ParseResult parse)
        => ModelChecks.Resolve(Given(parse) ?? throw new InvalidOperationException("--model is optional here: read it with Given"));
}

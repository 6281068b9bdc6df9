using System.CommandLine;
using EdgeLLM.Format;
using EdgeLLM.Runtime.Chat;

namespace EdgeLLM.Cli.Commands;

/// <summary>The reasoning options: <c>--think on|hide|off</c> and <c>--think-budget N</c>.</summary>
internal sealed class ThinkOptions
{
    private readonly Option<string> think = new("--think")
    {
        Description = "Reasoning: on (shown on stderr), hide (generated, not shown), off (skipped)",
        HelpName = "on|hide|off",
        DefaultValueFactory = _ => "on",
    };

    private readonly Option<int?> budget = new("--think-budget") { Description = "After N reasoning tokens close the reasoning and answer" };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(think);
        command.Options.Add(budget);
    }

    /// <summary><paramref name="settings"/> with the think mode and budget given; a bad value is one line.</summary>
    public ChatSettings ApplyTo(ChatSettings settings, ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(parse);
        ThinkMode mode = Parse(parse.GetValue(think)!);
        int? tokens = parse.GetValue(budget);
        return settings with
        {
            Think = mode,
            ThinkBudget = tokens is < 0 ? throw new EdgeLlmException("--think-budget must be 0 or more") : tokens,
        };
    }

    private static ThinkMode Parse(string value) => value switch
    {
        "on" => ThinkMode.On,
        "hide" => ThinkMode.Hide,
        "off" => ThinkMode.Off,
        _ => throw new EdgeLlmException($"--think must be on, hide or off, got '{value}'"),
    };
}

using EdgeLLM.Format;
using System.CommandLine;

namespace EdgeLLM.Cli.Commands;

/// <summary>
/// The options the verbs that plan a run share (generate, chat, serve): <c>--ep</c>,
/// <c>--device-profile</c>, <c>--context</c>, <c>--threads</c> and the <see cref="EngineOptions"/>
/// (<c>--engine</c>, <c>--kv-cache</c>; bench takes those two alone). <see cref="Read"/> turns them into a
/// <see cref="RunRequest"/> that <see cref="RunPlanning"/> checks against the machine and the model.
/// </summary>
public sealed class RunOptions
{
    private readonly Option<string> executionProvider = new("--ep")
    {
        Description = "Execution provider: auto (the device profile's order), cpu, dml (DirectML) or cuda",
        HelpName = "auto|cpu|dml|cuda",
        DefaultValueFactory = _ => "auto",
    };

    private readonly Option<string?> deviceProfile = new("--device-profile")
    {
        Description = "Use this device profile instead of the matched one (see 'edgellm devices')",
    };

    private readonly Option<int> context = new("--context")
    {
        Description = "KV cache length in tokens (0 or absent: the default, the largest the memory planner fits, up to the model's maximum)",
    };

    private readonly Option<int> threads = new("--threads")
    {
        Description = "Compute threads, at most the logical cores (0 or absent: the default, the device profile's, one per physical core)",
    };

    private readonly EngineOptions engine = new();

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(executionProvider);
        command.Options.Add(deviceProfile);
        command.Options.Add(context);
        command.Options.Add(threads);
        engine.AddTo(command);
    }

    /// <summary>The values given, checked for sign (the planner checks them against the model and the machine).</summary>
    public RunRequest Read(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        int requestedContext = parse.GetValue(context);
        int requestedThreads = parse.GetValue(threads);
        if (requestedContext < 0)
        {
            throw new EdgeLlmException($"--context must be a positive number of tokens, not {requestedContext}");
        }

        if (requestedThreads < 0)
        {
            throw new EdgeLlmException($"--threads must be 0 or more, not {requestedThreads}");
        }

        requestedThreads = ThreadLimit.Cap(requestedThreads, parse.CommandResult.Command.Name);
        return new RunRequest(
            parse.GetValue(executionProvider)!,
            parse.GetValue(deviceProfile),
            requestedContext > 0 ? requestedContext : null,
            requestedThreads > 0 ? requestedThreads : null)
        {
            Engine = engine.Engine(parse),
            KvCache = engine.KvCache(parse),
        };
    }
}

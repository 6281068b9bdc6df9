using System.CommandLine;
using EdgeLLM.Cli.Commands;
using EdgeLLM.Runtime.Native;

namespace EdgeLLM.Cli;

/// <summary>The <c>edgellm</c> executable: verbs only (parse, call a library, print).</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        // ONNX Runtime's telemetry off before anything can load it (no files, no lookups: offline means offline).
        OnnxRuntimeEnvironment.DisableTelemetry();

        // A NativeAOT build carries ONNX Runtime inside; extracted on first use. Elsewhere this changes nothing.
        OnnxRuntimeLibrary.UseEmbedded(typeof(Program).Assembly);
        var root = new RootCommand("EdgeLLM: open reasoning models on small machines, offline.");
        foreach (Command command in Verbs())
        {
            root.Subcommands.Add(command);
        }

        root.SetAction(_ => ChatCommand.Run(modelFolder: null, RunRequest.Automatic));

        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // One line, not the help page: name the first problem and where to look.
            string verb = parsed.CommandResult.Command == root ? string.Empty : " " + parsed.CommandResult.Command.Name;
            Console.Error.WriteLine($"edgellm{verb}: error: {parsed.Errors[0].Message} (see 'edgellm{verb} --help')");
            return CommandErrors.Failure;
        }

        return parsed.Invoke();
    }

    /// <summary>Every verb, one factory per file under Commands/.</summary>
    private static IEnumerable<Command> Verbs()
    {
        // Keep one line per verb; each file in Commands/ owns its options and output.
        yield return SynthCommand.Create();
        yield return DevicesCommand.Create();
        yield return TokenizeCommand.Create();
        yield return QuantizeCommand.Create();
        yield return GgufCommand.Create();
        yield return VerifyCommand.Create();
        yield return PackCommand.Create();
        yield return GenerateCommand.Create();
        yield return ChatCommand.Create();
        yield return BenchCommand.Create();
        yield return ServeCommand.Create();
        yield return EvalCommand.Create();
    }
}

using EdgeLLM.Quantize.Conversion;
using Spectre.Console;

namespace EdgeLLM.Cli.Commands;

/// <summary>
/// The <c>quantize</c> progress bar (Spectre.Console): the tensor just written, a bar, checkpoint bytes
/// done / total and the time left. Shown only on an interactive terminal (never when stdout is redirected,
/// so scripts and tests see plain lines) and not with <c>--quiet</c>; it clears itself when done.
/// </summary>
internal static class ConversionProgressBar
{
    public static T Run<T>(bool quiet, Func<IProgress<ConversionProgress>?, T> convert)
    {
        if (quiet || Console.IsOutputRedirected)
        {
            return convert(null);
        }

        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        if (!console.Profile.Capabilities.Interactive)
        {
            return convert(null);
        }

        return console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new RemainingTimeColumn())
            .Start(context => convert(new TaskProgress(context.AddTask("reading checkpoint", maxValue: 1))));
    }

    /// <summary>Moves one Spectre task (thread-safe) to each report.</summary>
    private sealed class TaskProgress(ProgressTask task) : IProgress<ConversionProgress>
    {
        public void Report(ConversionProgress value)
        {
            task.MaxValue = Math.Max(value.BytesTotal, 1);
            task.Value = value.BytesDone;
            task.Description = Markup.Escape(value.TensorName);
        }
    }
}

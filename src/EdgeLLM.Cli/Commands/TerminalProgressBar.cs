using Spectre.Console;

namespace EdgeLLM.Cli.Commands;

/// <summary>
/// The progress bar of long verbs (Spectre.Console): the item just done (tensor or file), a bar, bytes done /
/// total and the time left. Shown only on an interactive terminal (never when stdout is redirected, so scripts
/// and tests see plain lines) and not with <c>--quiet</c>; it clears itself when done.
/// </summary>
internal static class TerminalProgressBar
{
    /// <param name="quiet">No bar.</param>
    /// <param name="title">The bar's first description.</param>
    /// <param name="describe">Turns a report into (what was just done, bytes done, bytes total).</param>
    /// <param name="work">The work, given a progress sink or null when no bar is shown.</param>
    public static T Run<TProgress, T>(bool quiet, string title, Func<TProgress, (string Item, long BytesDone, long BytesTotal)> describe, Func<IProgress<TProgress>?, T> work)
    {
        if (quiet || Console.IsOutputRedirected)
        {
            return work(null);
        }

        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        if (!console.Profile.Capabilities.Interactive)
        {
            return work(null);
        }

        return console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new RemainingTimeColumn())
            .Start(context => work(new TaskProgress<TProgress>(context.AddTask(Markup.Escape(title), maxValue: 1), describe)));
    }

    /// <summary>Moves one Spectre task (thread-safe) to each report.</summary>
    private sealed class TaskProgress<TProgress>(ProgressTask task, Func<TProgress, (string Item, long BytesDone, long BytesTotal)> describe) : IProgress<TProgress>
    {
        public void Report(TProgress value)
        {
            (string item, long bytesDone, long bytesTotal) = describe(value);
            task.MaxValue = Math.Max(bytesTotal, 1);
            task.Value = bytesDone;
            task.Description = Markup.Escape(item);
        }
    }
}

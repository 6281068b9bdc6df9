using System.Diagnostics;

namespace EdgeLLM.Tui.Tests.Smoke;

/// <summary>
/// One program running in a detached tmux session of its own (a private server socket and an empty
/// configuration, so a person's tmux is never touched) at a fixed size: keys go in with send-keys,
/// the screen comes back with capture-pane. A small shell between tmux and the program waits for it
/// and writes its exit status to a file: tmux's own #{pane_dead_status} depends on the server
/// reaping the child on SIGCHLD, and under the test host the program was seen left a zombie with no
/// status for seconds.
/// </summary>
internal sealed class TmuxPane : IDisposable
{
    private const string Session = "edgellm";
    private static readonly TimeSpan CommandLimit = TimeSpan.FromSeconds(20);

    private readonly string socket = "edgellm-smoke-" + Guid.NewGuid().ToString("N");
    private readonly string configuration;
    private readonly string statusFile;

    /// <param name="columns">Pane width.</param>
    /// <param name="rows">Pane height.</param>
    /// <param name="environment">The program's whole environment (HOME, TERM, ...): nothing of this process's leaks in.</param>
    /// <param name="command">The program and its arguments.</param>
    public TmuxPane(int columns, int rows, IReadOnlyDictionary<string, string> environment, params string[] command)
    {
        configuration = Path.Combine(Path.GetTempPath(), socket + ".conf");
        statusFile = Path.Combine(Path.GetTempPath(), socket + ".status");
        File.WriteAllText(configuration, "set -g remain-on-exit on\nset -g history-limit 0\n");

        // env sets the program's variables after tmux has set its own TERM for the pane; the shell
        // runs the program as its child and records how it ended ($? is 128 + the signal number when
        // a signal killed it), writing through a temporary name so a half-written status is never read.
        string[] program =
        [
            "env", "-i", .. environment.Select(pair => $"{pair.Key}={pair.Value}"),
            "/bin/sh", "-c", "\"$@\"; echo $? > \"$0.tmp\" && mv \"$0.tmp\" \"$0\"", statusFile, .. command,
        ];
        Run(["new-session", "-d", "-s", Session, "-x", columns.ToString(System.Globalization.CultureInfo.InvariantCulture), "-y", rows.ToString(System.Globalization.CultureInfo.InvariantCulture), .. program]);
    }

    /// <summary>Types <paramref name="text"/> literally.</summary>
    public void Type(string text) => Run(["send-keys", "-t", Session, "-l", text]);

    /// <summary>Presses keys by tmux name (Enter, Escape, C-q, ...).</summary>
    public void Press(params string[] keys) => Run(["send-keys", "-t", Session, .. keys]);

    /// <summary>The visible rows as text.</summary>
    public string[] Capture() => Run(["capture-pane", "-p", "-t", Session]).TrimEnd('\n').Split('\n');

    /// <summary>The visible rows with their colours and styles as escape sequences (capture-pane -e).</summary>
    public string CaptureWithEscapes() => Run(["capture-pane", "-p", "-e", "-t", Session]);

    /// <summary>The program's exit status once it has exited (128 + n when signal n killed it); null while it runs.</summary>
    public int? ExitStatus()
        => File.Exists(statusFile) ? int.Parse(File.ReadAllText(statusFile).Trim(), System.Globalization.CultureInfo.InvariantCulture) : null;

    public void Dispose()
    {
        try
        {
            Run(["kill-server"]);
        }
        catch (InvalidOperationException)
        {
            // The server is already gone.
        }

        File.Delete(configuration);
        File.Delete(statusFile);
    }

    private string Run(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("tmux")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in (string[])["-u", "-L", socket, "-f", configuration, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        // UTF-8 for capture-pane's output; the server inherits the rest of this environment.
        start.Environment["LANG"] = "C.UTF-8";
        start.Environment["LC_ALL"] = "C.UTF-8";
        using Process tmux = Process.Start(start) ?? throw new InvalidOperationException("tmux did not start");
        Task<string> output = tmux.StandardOutput.ReadToEndAsync();
        Task<string> error = tmux.StandardError.ReadToEndAsync();
        if (!tmux.WaitForExit(CommandLimit))
        {
            tmux.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"tmux {string.Join(' ', start.ArgumentList)} did not return within {CommandLimit.TotalSeconds} s");
        }

        if (tmux.ExitCode != 0)
        {
            throw new InvalidOperationException($"tmux {string.Join(' ', start.ArgumentList)} failed ({tmux.ExitCode}): {error.Result.Trim()}");
        }

        return output.Result;
    }
}

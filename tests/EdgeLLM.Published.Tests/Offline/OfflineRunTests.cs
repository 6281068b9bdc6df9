using EdgeLLM.Tests.Shared;
using EdgeLLM.Tui.Tests.Smoke;
using Xunit.Abstractions;

namespace EdgeLLM.Published.Tests.Offline;

/// <summary>
/// Offline means offline: every verb of the published binary that loads ONNX Runtime or a model runs under
/// <c>strace -f</c> with HOME pointed at an empty folder, and creates no socket but AF_UNIX and no file outside
/// its own outputs, the model folder, the binary's first-run cache (a kit's .edgellm) and ~/.cache/edgellm (or
/// the chat's ~/.edgellm). ONNX Runtime's telemetry otherwise writes
/// ~/.cache/Microsoft/DeveloperTools/.onnxruntime/{deviceid,onnxruntime.db} on every run and, ~10 s in, resolves
/// mobile.events.data.microsoft.com: generate runs until a SIGINT at 13 s, and the chat stays open 13 s.
/// </summary>
public sealed class OfflineRunTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan LongRun = TimeSpan.FromSeconds(13);
    private readonly TempFolder temp = TestPaths.CreateTemp("offline-run");

    public void Dispose() => temp.Dispose();

    [Fact]
    public void NoVerbOpensANetworkSocketOrWritesOutsideItsFolders()
    {
        if (!PublishedBinaries.Available(output, [PublishedBinaries.X64], "strace", "tmux", "timeout"))
        {
            return;
        }

        string binary = PublishedBinaries.FreshCopy(PublishedBinaries.X64, Path.Combine(temp.Path, "bin"));
        string work = Path.Combine(temp.Path, "work");
        string home = Path.Combine(temp.Path, "home");
        Directory.CreateDirectory(work);
        Directory.CreateDirectory(home);
        string checkpoint = Path.Combine(work, "hf");
        string model = Path.Combine(work, "model");
        string[] allowed = [work, Path.Combine(temp.Path, "bin", ".edgellm"), Path.Combine(home, ".cache", "edgellm"), Path.Combine(home, ".edgellm")];
        var environment = new Dictionary<string, string>
        {
            ["HOME"] = home,
            ["PATH"] = "/usr/local/bin:/usr/bin:/bin",
            ["LANG"] = "C.UTF-8",
        };

        Traced("synth", environment, allowed, binary, "synth", "--shape", "tiny-qwen3", "--tokenizer", TestPaths.Tokenizer("qwen3"), "-o", checkpoint);
        Traced("quantize", environment, allowed, binary, "quantize", checkpoint, "-o", model, "--precision", "int4", "--max-context", "32768", "--quiet");
        Traced("verify", environment, allowed, binary, "verify", model);
        Traced("tokenize", environment, allowed, binary, "tokenize", "-m", model, "-p", "hello");
        Traced("devices", environment, allowed, binary, "devices");
        Traced("bench", environment, allowed, binary, "bench", "-m", model, "--prompt-tokens", "16", "--gen-tokens", "8", "-r", "1", "--no-bandwidth");

        // generate: far more tokens than 13 s give on any machine; timeout's SIGINT ends it (exit 124 from timeout).
        ProcessRun generate = Traced(
            "generate", environment, allowed, "timeout", "-k", "20", "-s", "INT", LongRun.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            binary, "generate", "-m", model, "-p", "hello", "--max-tokens", "30000", "--context", "32768", "--threads", "1", "--temperature", "0");
        Assert.True(generate.Elapsed >= LongRun - TimeSpan.FromSeconds(1), $"generate ran {generate.Elapsed.TotalSeconds:0.0} s, not past the ~10 s at which ONNX Runtime's telemetry started its lookups");

        TracedChat(environment, allowed, binary, model);
    }

    private ProcessRun Traced(string verb, Dictionary<string, string> environment, string[] allowed, params string[] command)
    {
        string log = Path.Combine(temp.Path, verb + ".strace");
        ProcessRun run = ProcessRun.Start(["strace", "-f", "-qq", "-e", StraceLog.Trace, "-o", log, .. command], environment, Limit);
        output.WriteLine($"{verb}: exit {run.ExitCode} after {run.Elapsed.TotalSeconds:0.0} s; {run.Error.Split('\n').LastOrDefault(line => line.Length > 0)}");
        Assert.True(run.ExitCode is 0 or 124, $"{verb} exited {run.ExitCode}: {run.Error}");
        Check(verb, log, allowed);
        return run;
    }

    private void TracedChat(Dictionary<string, string> environment, string[] allowed, string binary, string model)
    {
        string log = Path.Combine(temp.Path, "chat.strace");
        var terminal = new Dictionary<string, string>(environment) { ["TERM"] = "xterm-256color" };
        using var pane = new TmuxPane(100, 30, terminal, "strace", "-f", "-qq", "-e", StraceLog.Trace, "-o", log, binary, "chat", "-m", model, "--threads", "1", "--context", "2048");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        WaitFor(pane, rows => rows.Any(row => row.Contains("is ready", StringComparison.Ordinal)), "the model ready");
        pane.Type("hello");
        pane.Press("Enter");
        while (clock.Elapsed < LongRun)
        {
            Thread.Sleep(250);
        }

        // Esc stops a reply still running; then, apart (an Esc followed at once by a key reads as Alt+key), Ctrl+Q.
        pane.Press("Escape");
        Thread.Sleep(1000);
        pane.Press("C-q");
        DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (pane.ExitStatus() is null && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(100);
        }

        output.WriteLine($"chat: exit {pane.ExitStatus()} after {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True(pane.ExitStatus() == 0, $"chat exit status {pane.ExitStatus()}; screen:\n{string.Join('\n', pane.Capture())}");
        Check("chat", log, allowed);
    }

    private void Check(string verb, string log, string[] allowed)
    {
        StraceLog trace = StraceLog.Read(log);
        string[] sockets = [.. trace.NonLocalSockets];
        Assert.True(sockets.Length == 0, $"{verb} created or used a network socket:\n{string.Join('\n', sockets.Take(10))}");
        string[] outside = [.. trace.CreatedPaths.Select(path => Path.GetFullPath(path)).Distinct().Where(path => !Allowed(path, allowed))];
        Assert.True(outside.Length == 0, $"{verb} created files outside its folders:\n{string.Join('\n', outside.Take(10))}");
    }

    private static bool Allowed(string path, string[] allowed)
        => path.StartsWith("/dev/", StringComparison.Ordinal) || path.StartsWith("/proc/", StringComparison.Ordinal)
            || allowed.Any(root => path == root || path.StartsWith(root + "/", StringComparison.Ordinal));

    private static void WaitFor(TmuxPane pane, Func<string[], bool> condition, string what)
    {
        DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        string[] rows = pane.Capture();
        while (!condition(rows))
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}; screen:\n{string.Join('\n', rows)}");
            Thread.Sleep(100);
            rows = pane.Capture();
        }
    }
}

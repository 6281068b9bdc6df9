using System.Diagnostics;
using EdgeLLM.Quantize.Tests.Synthetic;
using EdgeLLM.Tests.Shared;

namespace EdgeLLM.Quantize.Tests.Files;

/// <summary>
/// Issue 16, item 11: SIGTERM or SIGHUP killed a conversion and left its 67-92 MB <c>.partial-*</c> folder behind.
/// They are now handled like Ctrl-C (the run unwinds, exit 130, the staged folder and the lock are removed).
/// A real process (synth of a 1.5B shape, seconds of writing) is signalled while it writes.
/// The process starts through <c>env --default-signal</c>: a test run started under nohup (SIGHUP ignored, which children
/// inherit) would otherwise see synth rightly ignore the SIGHUP and finish with exit 0.
/// </summary>
public sealed class SignalCleanupTests
{
    [Theory]
    [InlineData("TERM")]
    [InlineData("HUP")]
    public void ASignalledRunRemovesItsPartialFolder(string signal)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using TempFolder temp = TestPaths.CreateTemp();
        string output = Path.Combine(temp.Path, "big");
        var start = new ProcessStartInfo("env") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in (string[])["--default-signal=" + signal, "dotnet", Path.Combine(AppContext.BaseDirectory, "edgellm.dll"), "synth", "--shape", "r1-distill-qwen-1.5b", "--tokenizer", TestTokenizers.ForShape("r1-distill-qwen-1.5b"), "-o", output])
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!Directory.EnumerateDirectories(temp.Path, ".big.partial-*").Any())
        {
            Assert.True(DateTime.UtcNow < deadline && !process.HasExited, "synth never started writing");
            Thread.Sleep(20);
        }

        Thread.Sleep(500);
        using (Process kill = Process.Start("kill", ["-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!)
        {
            kill.WaitForExit();
        }

        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "synth did not end after the signal");
        Assert.Equal(130, process.ExitCode);
        Assert.Equal("edgellm synth: interrupted", process.StandardError.ReadToEnd().Trim());
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }
}

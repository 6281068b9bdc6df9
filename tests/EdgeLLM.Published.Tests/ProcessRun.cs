using System.Diagnostics;

namespace EdgeLLM.Published.Tests;

/// <summary>One finished run of a published binary (directly, under qemu, or inside a namespace).</summary>
internal sealed record ProcessRun(int ExitCode, string Output, string Error, TimeSpan Elapsed)
{
    /// <summary>Runs <paramref name="command"/> to completion (killed after <paramref name="timeout"/>), capturing both streams.</summary>
    public static ProcessRun Start(IReadOnlyList<string> command, IReadOnlyDictionary<string, string>? environment, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in command.Skip(1))
        {
            info.ArgumentList.Add(argument);
        }

        // The published binary runs as a user would start it: no .NET host variables leaking from the test runner.
        foreach (string name in info.Environment.Keys.Where(name => name.StartsWith("DOTNET_", StringComparison.Ordinal) || name.StartsWith("COREHOST_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(name);
        }

        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var clock = Stopwatch.StartNew();
        using Process process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {command[0]}");
        process.StandardInput.Close();
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"{string.Join(' ', command)} did not finish in {timeout.TotalSeconds:0} s; stderr so far: {error.Result}");
        }

        process.WaitForExit();
        return new ProcessRun(process.ExitCode, output.Result, error.Result, clock.Elapsed);
    }

    /// <summary>This run, after asserting it exited 0 (its stderr in the failure message otherwise).</summary>
    public ProcessRun Succeeded(string what)
    {
        Assert.True(ExitCode == 0, $"{what} exited {ExitCode}: {Error}");
        return this;
    }
}

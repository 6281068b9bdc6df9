using System.Runtime.InteropServices;
using EdgeLLM.Tests.Shared;
using Xunit.Abstractions;

namespace EdgeLLM.Tui.Tests.Smoke;

/// <summary>
/// What the smoke tests drive: the published binary (<c>packaging/publish.sh &lt;rid&gt;</c> writes
/// <c>out/publish/&lt;rid&gt;/edgellm</c>; tests/prepare.sh runs it) and tmux (tests/prepare.sh installs it).
/// Missing on CI (<c>CI=true</c>) is a failure; elsewhere the test says it was skipped.
/// </summary>
internal static class SmokePrerequisites
{
    public static string RuntimeIdentifier { get; } = $"linux-{RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()}";

    public static string PublishedBinary { get; } = Path.Combine(TestPaths.RepoRoot, "out", "publish", RuntimeIdentifier, "edgellm");

    public static bool OnContinuousIntegration { get; } =
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Null when everything is there; otherwise the one line that says what is missing and how to get it.</summary>
    public static string? Missing()
    {
        var missing = new List<string>();
        if (!OperatingSystem.IsLinux())
        {
            return "the tmux smoke test runs on Linux only";
        }

        if (!File.Exists(PublishedBinary))
        {
            missing.Add($"the published binary {PublishedBinary} (bash packaging/publish.sh {RuntimeIdentifier}, which bash tests/prepare.sh runs)");
        }

        if (!OnPath("tmux"))
        {
            missing.Add("tmux (bash tests/prepare.sh installs it: apt-get install -y tmux)");
        }

        if (!File.Exists(Path.Combine(TestPaths.RepoRoot, "tests", ".tokenizers", "r1-distill-qwen", "tokenizer.json")))
        {
            missing.Add("the r1-distill-qwen tokenizer (bash tests/prepare.sh)");
        }

        return missing.Count == 0 ? null : "missing " + string.Join("; ", missing);
    }

    /// <summary>
    /// True when the test can run. Otherwise fails it on CI, or writes why it was skipped and returns false.
    /// </summary>
    public static bool Ready(ITestOutputHelper output)
    {
        if (Missing() is not { } missing)
        {
            return true;
        }

        if (OnContinuousIntegration)
        {
            Assert.Fail($"CI=true and {missing}");
        }

        output.WriteLine($"skipped: {missing}");
        Console.WriteLine($"skipped: {missing}");
        return false;
    }

    private static bool OnPath(string program)
        => (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(folder => File.Exists(Path.Combine(folder, program)));
}

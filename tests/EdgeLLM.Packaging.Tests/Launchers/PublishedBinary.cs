using System.Runtime.InteropServices;
using EdgeLLM.Tests.Shared;
using Xunit.Abstractions;

namespace EdgeLLM.Packaging.Tests.Launchers;

/// <summary>
/// The self-contained linux-x64 <c>edgellm</c> that <c>packaging/publish.sh linux-x64</c> writes to
/// <c>out/publish/linux-x64/</c> (tests/prepare.sh runs it). Missing on a developer machine: the test says it is
/// skipped; missing in CI (CI=true): the test fails with the command that makes it.
/// </summary>
internal static class PublishedBinary
{
    public static string Root { get; } = Path.Combine(TestPaths.RepoRoot, "out", "publish");

    public static string BinaryPath { get; } = Path.Combine(Root, "linux-x64", "edgellm");

    /// <summary>The binary's path, or null (after writing why) when this test cannot run here.</summary>
    public static string? Require(ITestOutputHelper output)
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.OSArchitecture != Architecture.X64)
        {
            output.WriteLine("skipped: the launcher tests run the linux-x64 binary and need a Linux x64 machine");
            return null;
        }

        if (File.Exists(BinaryPath))
        {
            return BinaryPath;
        }

        string message = $"{BinaryPath} not found: run 'bash tests/prepare.sh' (it runs 'bash packaging/publish.sh linux-x64')";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(message);
        }

        output.WriteLine($"skipped: {message}");
        return null;
    }
}

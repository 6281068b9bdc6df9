using EdgeLLM.Tests.Shared;
using Xunit.Abstractions;

namespace EdgeLLM.Published.Tests;

/// <summary>
/// The binaries packaging/publish.sh wrote (out/publish/&lt;rid&gt;/edgellm) and the host tools the tests drive them
/// with. Where one is missing (no root or apt-get to install the toolchain, so tests/prepare.sh could not publish),
/// a test says it was skipped; under CI=true it fails instead, because CI must prove the packaged binaries.
/// </summary>
internal static class PublishedBinaries
{
    public const string X64 = "linux-x64";
    public const string X64V3 = "linux-x64-v3";
    public const string X64V4 = "linux-x64-v4";
    public const string Arm64 = "linux-arm64";

    /// <summary>True under CI (CI=true), where a missing binary or tool is a failure, not a skip.</summary>
    public static bool InContinuousIntegration => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The linux-arm64 NativeAOT build of the kernel agreement check (tests/tools/EdgeLLM.KernelCheck), which
    /// tests/prepare.sh publishes beside the binaries.
    /// </summary>
    public static string KernelCheckArm64 => Path.Combine(TestPaths.RepoRoot, "out", "publish", "kernel-check-linux-arm64", "edgellm-kernel-check");

    /// <summary>out/publish/&lt;rid&gt;/edgellm, whether or not it exists.</summary>
    public static string PathOf(string runtimeIdentifier) => Path.Combine(TestPaths.RepoRoot, "out", "publish", runtimeIdentifier, "edgellm");

    /// <summary>
    /// True when the binary of every runtime identifier and every host tool is there; otherwise writes why the
    /// test is skipped and returns false, or fails the test under CI.
    /// </summary>
    public static bool Available(ITestOutputHelper output, string[] runtimeIdentifiers, params string[] tools)
        => Present(output, [.. runtimeIdentifiers.Select(PathOf)], tools);

    /// <summary>As <see cref="Available"/>, for any files tests/prepare.sh writes (full paths).</summary>
    public static bool Present(ITestOutputHelper output, string[] files, params string[] tools)
    {
        var missing = new List<string>();
        missing.AddRange(files.Where(file => !File.Exists(file)).Select(file => Path.GetRelativePath(TestPaths.RepoRoot, file)));
        missing.AddRange(tools.Where(tool => FindTool(tool) is null));
        if (missing.Count == 0)
        {
            return true;
        }

        string reason = $"{string.Join(", ", missing)} not found: run 'bash tests/prepare.sh' as root with apt-get (installs clang, lld, the aarch64 cross toolchain and qemu-user-static, then runs packaging/publish.sh linux-x64, linux-x64-v3, linux-x64-v4 and linux-arm64 and publishes the linux-arm64 kernel check)";
        Assert.False(InContinuousIntegration, reason);
        output.WriteLine("skipped: " + reason);
        return false;
    }

    /// <summary>The full path of a command on PATH, or null.</summary>
    public static string? FindTool(string name)
        => (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, name))
            .FirstOrDefault(File.Exists);

    /// <summary>
    /// A copy of the binary alone in a fresh folder, as a user's USB stick holds it: its first run extracts ONNX
    /// Runtime beside it, untouched by other tests' runs.
    /// </summary>
    public static string FreshCopy(string runtimeIdentifier, string folder)
    {
        Directory.CreateDirectory(folder);
        string copy = Path.Combine(folder, "edgellm");
        File.Copy(PathOf(runtimeIdentifier), copy, overwrite: true);
        File.SetUnixFileMode(copy, File.GetUnixFileMode(PathOf(runtimeIdentifier)));
        return copy;
    }
}

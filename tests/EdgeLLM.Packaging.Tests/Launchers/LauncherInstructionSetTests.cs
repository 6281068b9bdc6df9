using System.Diagnostics;
using EdgeLLM.Packaging.Kits;

namespace EdgeLLM.Packaging.Tests.Launchers;

/// <summary>
/// edgellm.sh on x64 Linux picks bin/linux-x64-v4 where the CPU flags hold every x86-64-v4 feature and the kit carries
/// that build, else bin/linux-x64-v3 where they hold every x86-64-v3 feature and the kit carries it; otherwise
/// bin/linux-x64. The CPU is faked by bind-mounting a cpuinfo file over /proc/cpuinfo in
/// a private mount namespace; the binaries are shell scripts that say which one ran.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class LauncherInstructionSetTests : IDisposable
{
    private const string V3Flags = "fpu sse sse2 ssse3 fma cx16 sse4_1 sse4_2 movbe popcnt xsave avx f16c abm bmi1 avx2 bmi2";

    private const string V4Flags = V3Flags + " avx512f avx512dq avx512cd avx512bw avx512vl avx512_vnni";

    private readonly string kit = Directory.CreateTempSubdirectory("edgellm-launcher-isa-").FullName;

    public LauncherInstructionSetTests()
    {
        File.WriteAllText(Path.Combine(kit, KitLayout.ShellLauncher), KitTemplates.ShellLauncher());
        Directory.CreateDirectory(Path.Combine(kit, KitLayout.ModelsFolder));
        FakeBinary("linux-x64");
    }

    public void Dispose() => Directory.Delete(kit, recursive: true);

    [Fact]
    public void AnX8664V3CpuRunsTheV3Build()
    {
        if (!CanFakeTheCpu())
        {
            return;
        }

        FakeBinary("linux-x64-v3");
        Assert.Equal("linux-x64-v3 --version", Launch(V3Flags));
    }

    [Theory]
    [InlineData("avx2")]
    [InlineData("fma")]
    [InlineData("bmi2")]
    [InlineData("f16c")]
    [InlineData("movbe")]
    public void ACpuWithoutOneV3FeatureRunsTheBaselineBuild(string missing)
    {
        if (!CanFakeTheCpu())
        {
            return;
        }

        FakeBinary("linux-x64-v3");
        string flags = string.Join(' ', V3Flags.Split(' ').Where(flag => flag != missing));
        Assert.Equal("linux-x64 --version", Launch(flags));
    }

    [Fact]
    public void AnX8664V4CpuRunsTheV4Build()
    {
        if (!CanFakeTheCpu())
        {
            return;
        }

        FakeBinary("linux-x64-v3");
        FakeBinary("linux-x64-v4");
        Assert.Equal("linux-x64-v4 --version", Launch(V4Flags));
        Assert.Equal("linux-x64-v3 --version", Launch(V3Flags));
    }

    [Theory]
    [InlineData("avx512f")]
    [InlineData("avx512bw")]
    [InlineData("avx512vl")]
    [InlineData("avx512dq")]
    [InlineData("avx512cd")]
    public void ACpuWithoutOneV4FeatureRunsTheV3Build(string missing)
    {
        if (!CanFakeTheCpu())
        {
            return;
        }

        FakeBinary("linux-x64-v3");
        FakeBinary("linux-x64-v4");
        string flags = string.Join(' ', V4Flags.Split(' ').Where(flag => flag != missing));
        Assert.Equal("linux-x64-v3 --version", Launch(flags));
    }

    [Fact]
    public void AKitWithoutTheV4BuildRunsTheV3OneOnAV4Cpu()
    {
        if (!CanFakeTheCpu())
        {
            return;
        }

        FakeBinary("linux-x64-v3");
        Assert.Equal("linux-x64-v3 --version", Launch(V4Flags));
    }

    [Fact]
    public void AV4CpuWithoutTheV3FeaturesNeverRunsTheV4Build()
    {
        if (!CanFakeTheCpu())
        {
            return;
        }

        FakeBinary("linux-x64-v4");
        string flags = string.Join(' ', V4Flags.Split(' ').Where(flag => flag != "bmi2"));
        Assert.Equal("linux-x64 --version", Launch(flags));
    }

    [Fact]
    public void AKitWithoutTheV3BuildRunsTheBaselineOneOnAV3Cpu()
    {
        if (!CanFakeTheCpu())
        {
            return;
        }

        Assert.Equal("linux-x64 --version", Launch(V3Flags));
    }

    private static bool CanFakeTheCpu()
        => OperatingSystem.IsLinux() && System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.X64
            && Environment.IsPrivilegedProcess && File.Exists("/usr/bin/unshare");

    private void FakeBinary(string rid)
    {
        string folder = Path.Combine(kit, KitLayout.BinFolder, rid);
        Directory.CreateDirectory(folder);
        string binary = Path.Combine(folder, "edgellm");
        File.WriteAllText(binary, $"#!/bin/sh\necho \"{rid} $*\"\n");
        File.SetUnixFileMode(binary, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>Runs edgellm.sh --version with a cpuinfo whose flags line is <paramref name="flags"/>; returns what it printed.</summary>
    private string Launch(string flags)
    {
        string cpuinfo = Path.Combine(kit, "cpuinfo");
        File.WriteAllText(cpuinfo, $"processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: {flags}\n\n");
        var start = new ProcessStartInfo("unshare")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in new[] { "--mount", "--propagation", "private", "sh", "-c", "mount --bind \"$1\" /proc/cpuinfo && exec sh \"$2\" --version", "sh", cpuinfo, Path.Combine(kit, KitLayout.ShellLauncher) })
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string text = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(30_000), "edgellm.sh did not finish");
        Assert.True(process.ExitCode == 0, error.Result);
        return text.Trim();
    }
}

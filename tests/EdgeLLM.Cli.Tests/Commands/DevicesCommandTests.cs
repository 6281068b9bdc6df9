using System.Runtime.InteropServices;
using System.Text.Json;

namespace EdgeLLM.Cli.Tests.Commands;

/// <summary><c>edgellm devices --json</c> on the machine running the tests, checked against the kernel's own account.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class DevicesCommandTests
{
    // The report's names for the x64 features that matter to MLAS, and the /proc/cpuinfo flag of each.
    private static readonly (string Report, string Kernel)[] X64Flags =
    [
        ("avx2", "avx2"), ("fma", "fma"), ("avx_vnni", "avx_vnni"),
        ("avx512f", "avx512f"), ("avx512bw", "avx512bw"), ("avx512vl", "avx512vl"), ("avx512_vnni", "avx512_vnni"),
    ];

    [Fact]
    public void Json_SimdFlagsAgreeWithProcCpuinfo()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.OSArchitecture != Architecture.X64)
        {
            return; // Needs the "flags" line of an x64 Linux /proc/cpuinfo (CI is one).
        }

        string flagsLine = File.ReadLines("/proc/cpuinfo").First(line => line.StartsWith("flags", StringComparison.Ordinal));
        HashSet<string> kernel = [.. flagsLine[(flagsLine.IndexOf(':', StringComparison.Ordinal) + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries)];

        (int exitCode, string output, string error) = CliRunner.Run(["devices", "--json"]);

        Assert.True(exitCode == 0, error);
        using JsonDocument report = JsonDocument.Parse(output);
        JsonElement cpu = report.RootElement.GetProperty("hardware").GetProperty("cpu");
        JsonElement simd = cpu.GetProperty("simd");
        foreach ((string name, string flag) in X64Flags)
        {
            Assert.True(simd.GetProperty(name).GetBoolean() == kernel.Contains(flag), $"{name}: devices --json says {simd.GetProperty(name).GetBoolean()}, /proc/cpuinfo says {kernel.Contains(flag)}");
        }

        Assert.Contains("CPUExecutionProvider", report.RootElement.GetProperty("onnxruntime_providers").EnumerateArray().Select(name => name.GetString()));
    }
}

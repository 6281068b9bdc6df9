using System.Text.Json;
using EdgeLLM.Tests.Shared;
using Xunit.Abstractions;

namespace EdgeLLM.Published.Tests;

/// <summary>
/// The ARM64 proof without a board: the published linux-arm64 binary under qemu as a Raspberry Pi 5
/// (Cortex-A76, dotprod) and a Pi 4 (Cortex-A72, no dotprod) generates greedily from a tiny int4 model exactly
/// the tokens the published x64 binary generates, and detects the board's SIMD features.
/// </summary>
[Collection(PublishedModelsCollection.Name)]
public sealed class RaspberryPiEmulationTests(PublishedModels models, ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan EmulatedTimeout = TimeSpan.FromMinutes(8);
    private readonly TempFolder temp = TestPaths.CreateTemp("raspberry-pi");

    public void Dispose() => temp.Dispose();

    [Theory]
    [InlineData(RaspberryPi.Pi5)]
    [InlineData(RaspberryPi.Pi4)]
    public void GeneratesExactlyTheTokensOfTheX64Binary(string board)
    {
        if (!PublishedBinaries.Available(output, [PublishedBinaries.X64, PublishedBinaries.Arm64], "qemu-aarch64-static"))
        {
            return;
        }

        RaspberryPi pi = RaspberryPi.Named(board);
        string model = models.Folder("int4");
        int[] x64 = models.X64Tokens("int4");

        string binary = PublishedBinaries.FreshCopy(PublishedBinaries.Arm64, Path.Combine(temp.Path, "stick"));
        ProcessRun run = ProcessRun.Start(RaspberryPi.Command(binary, Generation.Arguments(model)), pi.Prepare(temp.Path), EmulatedTimeout);
        int[] arm64 = Generation.Tokens(run);

        output.WriteLine($"{pi.Name} ({pi.QemuCpu}) under qemu: {run.Elapsed.TotalSeconds:0.0} s, time to first token {Generation.Figure(run, "time_to_first_token_ms")} ms; tokens {string.Join(' ', arm64)}");
        Assert.Equal(Generation.MaxTokens, x64.Length);
        Assert.Equal(x64, arm64);
    }

    [Theory]
    [InlineData(RaspberryPi.Pi5)]
    [InlineData(RaspberryPi.Pi4)]
    public void DevicesDetectsTheBoardAndItsSimd(string board)
    {
        if (!PublishedBinaries.Available(output, [PublishedBinaries.Arm64], "qemu-aarch64-static"))
        {
            return;
        }

        RaspberryPi pi = RaspberryPi.Named(board);
        string binary = PublishedBinaries.FreshCopy(PublishedBinaries.Arm64, Path.Combine(temp.Path, "stick"));
        ProcessRun run = ProcessRun.Start(RaspberryPi.Command(binary, ["devices", "--json"]), pi.Prepare(temp.Path), EmulatedTimeout).Succeeded("edgellm devices");

        using JsonDocument report = JsonDocument.Parse(run.Output);
        JsonElement hardware = report.RootElement.GetProperty("hardware");
        JsonElement simd = hardware.GetProperty("cpu").GetProperty("simd");
        output.WriteLine($"{pi.Name}: {hardware.GetProperty("cpu")} board {hardware.GetProperty("board")}");
        Assert.Equal("arm64", hardware.GetProperty("architecture").GetString());
        Assert.True(simd.GetProperty("neon").GetBoolean(), "AdvSimd (NEON) not detected");
        Assert.Equal(pi.HasDotProd, simd.GetProperty("dotprod").GetBoolean());
        Assert.False(simd.GetProperty("avx2").GetBoolean());
        Assert.Equal(pi.Generation, hardware.GetProperty("board").GetProperty("raspberry_pi").GetInt32());
        Assert.Contains("CPUExecutionProvider", report.RootElement.GetProperty("onnxruntime_providers").EnumerateArray().Select(provider => provider.GetString()));
    }
}

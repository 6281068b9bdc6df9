using System.Text.Json;
using EdgeLLM.Tests.Shared;
using Xunit.Abstractions;

namespace EdgeLLM.Published.Tests;

/// <summary>
/// The ARM64 proof without a board: the published linux-arm64 binary under qemu as a Raspberry Pi 5
/// (Cortex-A76, dotprod) and a Pi 4 (Cortex-A72, no dotprod) generates greedily from a tiny int4 model exactly
/// the tokens the published x64 binary generates, with the board's own CPU kernels (sdot on the Pi 5, smull/smlal on
/// the Pi 4), detects the board's SIMD features, and those kernels match the exact block sums over every format.
/// </summary>
[Collection(PublishedModelsCollection.Name)]
public sealed class RaspberryPiEmulationTests(PublishedModels models, ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan EmulatedTimeout = TimeSpan.FromMinutes(8);
    private readonly TempFolder temp = TestPaths.CreateTemp("raspberry-pi");

    public void Dispose() => temp.Dispose();

    [Theory]
    [InlineData(RaspberryPi.Pi5, "int4")]
    [InlineData(RaspberryPi.Pi4, "int4")]
    [InlineData(RaspberryPi.Pi5, "int8")]
    [InlineData(RaspberryPi.Pi4, "int8")]
    public void GeneratesExactlyTheTokensOfTheX64Binary(string board, string precision)
    {
        if (!PublishedBinaries.Available(output, [PublishedBinaries.X64, PublishedBinaries.Arm64], "qemu-aarch64-static"))
        {
            return;
        }

        RaspberryPi pi = RaspberryPi.Named(board);
        string model = models.Folder(precision);
        int[] x64 = models.X64Tokens(precision);

        string binary = PublishedBinaries.FreshCopy(PublishedBinaries.Arm64, Path.Combine(temp.Path, "stick"));
        ProcessRun run = ProcessRun.Start(RaspberryPi.Command(binary, Generation.Arguments(model)), pi.Prepare(temp.Path), EmulatedTimeout);
        int[] arm64 = Generation.Tokens(run);

        string engine = Generation.Engine(run);
        output.WriteLine($"{pi.Name} ({pi.QemuCpu}) under qemu, {precision}: {run.Elapsed.TotalSeconds:0.0} s, time to first token {Generation.Figure(run, "time_to_first_token_ms")} ms; {engine}; tokens {string.Join(' ', arm64)}");
        Assert.Equal(Generation.MaxTokens, x64.Length);
        Assert.Equal(x64, arm64);
        Assert.EndsWith($"({pi.KernelIsa})", engine, StringComparison.Ordinal);
    }

    /// <summary>
    /// The ARM kernels themselves: the linux-arm64 NativeAOT build of tests/tools/EdgeLLM.KernelCheck runs every
    /// quantized-linear kernel the emulated core supports against the exact block sums (4- and 8-bit, blocks 16 to
    /// 256, stored zero points, fp16 scales, odd block counts, padded K, partial row groups, 1 to 13 tokens, 1 and 2
    /// threads), the int8 activation codes (ties to even), softmax and SwiGLU's exponential against double precision
    /// (their 128-bit loops),
    /// and detects the kernel set a Pi of that
    /// generation gets.
    /// </summary>
    [Theory]
    [InlineData(RaspberryPi.Pi5)]
    [InlineData(RaspberryPi.Pi4)]
    public void ItsKernelsMatchTheExactBlockSums(string board)
    {
        if (!PublishedBinaries.Present(output, [PublishedBinaries.KernelCheckArm64], "qemu-aarch64-static"))
        {
            return;
        }

        RaspberryPi pi = RaspberryPi.Named(board);
        ProcessRun run = ProcessRun.Start(RaspberryPi.Command(PublishedBinaries.KernelCheckArm64, []), pi.Prepare(temp.Path), EmulatedTimeout);
        output.WriteLine($"{pi.Name} ({pi.QemuCpu}) under qemu:{Environment.NewLine}{run.Output}");
        Assert.True(run.ExitCode == 0, $"edgellm-kernel-check exited {run.ExitCode}: {run.Output}{run.Error}");
        string[] lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith($"detected: {pi.KernelIsa} (", lines[0], StringComparison.Ordinal);
        string[] agreeing = [.. lines.Where(line => line.EndsWith(" runs agree", StringComparison.Ordinal)).Select(line => line[..line.IndexOf(':', StringComparison.Ordinal)])];
        Assert.Equal(pi.HasDotProd ? ["Scalar", "Vector128", "AdvSimd", "AdvSimdDotProd"] : ["Scalar", "Vector128", "AdvSimd"], agreeing);
        Assert.Contains("activations: 10 layouts agree", lines);
        Assert.Contains("exp: agrees", lines);
        Assert.Contains(lines, line => line.StartsWith("softmax: ", StringComparison.Ordinal) && line.EndsWith(" lengths agree", StringComparison.Ordinal));
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

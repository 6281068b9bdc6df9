using System.Runtime.InteropServices;
using System.Text.Json;
using EdgeLLM.Devices.Hardware;
using EdgeLLM.Devices.Profiles;
using EdgeLLM.Devices.Reports;
using EdgeLLM.Devices.Tests.Planning;
using EdgeLLM.Devices.Tests.Profiles;
using EdgeLLM.Tests.Shared;

namespace EdgeLLM.Devices.Tests.Reports;

public sealed class DeviceReportTests
{
    private static readonly DeviceProfileCatalog Catalog = DeviceProfileCatalog.LoadBuiltIn();
    private static readonly string[] CpuOnlyBuild = ["CPUExecutionProvider"];

    [Fact]
    public void Pi4WithTwoModels_ReportsTheSmallOneFittingAndTheLargeOneRefused()
    {
        using TempFolder models = TestPaths.CreateTemp();
        WriteManifest(models.Path, "r1-1.5b-int4", layers: 28, heads: 12, kvHeads: 2, hidden: 1536, intermediate: 8960, vocab: 151936, ModelShapes.Qwen15BWeightBytes);
        WriteManifest(models.Path, "r1-7b-int4", layers: 28, heads: 28, kvHeads: 4, hidden: 3584, intermediate: 18944, vocab: 152064, ModelShapes.Qwen7BWeightBytes);
        Directory.CreateDirectory(Path.Combine(models.Path, "not-a-model"));

        DeviceReport report = DeviceReport.Create(Machines.RaspberryPi4, Catalog, profileOverride: null, CpuOnlyBuild, [models.Path]);

        Assert.Equal("raspberry-pi-4", report.Profile?.Profile.Name);
        Assert.Equal(2, report.Models.Count);
        Assert.Equal(4096, report.Models[0].Plan!.Context);
        Assert.False(report.Models[1].Plan!.Fits);
        Assert.EndsWith("use the DeepSeek-R1-Distill-Qwen-1.5B int4 model", report.Models[1].Plan!.Refusal, StringComparison.Ordinal);

        using var json = JsonDocument.Parse(ToJson(report));
        JsonElement root = json.RootElement;
        Assert.Equal("Raspberry Pi 4 Model B Rev 1.4", root.GetProperty("hardware").GetProperty("board").GetProperty("model").GetString());
        Assert.True(root.GetProperty("hardware").GetProperty("cpu").GetProperty("simd").GetProperty("neon").GetBoolean());
        Assert.False(root.GetProperty("hardware").GetProperty("cpu").GetProperty("simd").GetProperty("dotprod").GetBoolean());
        Assert.Equal("matched: architecture arm64; board 'Raspberry Pi 4 Model B Rev 1.4'", root.GetProperty("profile").GetProperty("reason").GetString());
        JsonElement small = root.GetProperty("models")[0];
        Assert.True(small.GetProperty("fits").GetBoolean());
        Assert.Equal(4096, small.GetProperty("context").GetInt32());
        // The load peak 1,617,889,664 bytes, above the 1,605,888,384 running at 4096
        // (MemoryPlannerTests.Qwen15B_OnA4GBPi4_RunsAtTheProfileMaximum).
        Assert.Equal(1_617_889_664, small.GetProperty("required_bytes").GetInt64());
        Assert.False(root.GetProperty("models")[1].GetProperty("fits").GetBoolean());
    }

    [Fact]
    public void BrokenManifest_IsReportedWithoutFailingTheOthers()
    {
        using TempFolder models = TestPaths.CreateTemp();
        Directory.CreateDirectory(Path.Combine(models.Path, "broken"));
        File.WriteAllText(Path.Combine(models.Path, "broken", "edgellm.json"), "{ \"precision\": \"int4\"");

        DeviceReport report = DeviceReport.Create(Machines.RaspberryPi5, Catalog, profileOverride: null, CpuOnlyBuild, [models.Path]);

        ModelFit broken = Assert.Single(report.Models);
        Assert.Null(broken.Plan);
        Assert.StartsWith(Path.Combine(models.Path, "broken", "edgellm.json") + ": not valid JSON", broken.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void UnmatchedMachine_ReportsWhyAndNoModels()
    {
        DeviceReport report = DeviceReport.Create(Machines.RaspberryPi4On32BitOs, Catalog, profileOverride: null, CpuOnlyBuild, []);

        Assert.Null(report.Profile);
        Assert.StartsWith("no device profile matches this machine", report.ProfileError, StringComparison.Ordinal);
    }

    [Fact]
    public void OnLinuxX64_TheJsonSimdFlagsAgreeWithCpuInfo()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.OSArchitecture != Architecture.X64)
        {
            return; // Needs /proc/cpuinfo of an x64 machine (CI is one).
        }

        string flagsLine = File.ReadLines("/proc/cpuinfo").First(line => line.StartsWith("flags", StringComparison.Ordinal));
        var kernelFlags = flagsLine[(flagsLine.IndexOf(':', StringComparison.Ordinal) + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();

        DeviceReport report = DeviceReport.Create(HardwareProbe.Detect(), Catalog, profileOverride: null, CpuOnlyBuild, []);
        using var json = JsonDocument.Parse(ToJson(report));
        JsonElement simd = json.RootElement.GetProperty("hardware").GetProperty("cpu").GetProperty("simd");

        foreach (string flag in new[] { "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx_vnni" })
        {
            Assert.Equal(kernelFlags.Contains(flag), simd.GetProperty(flag).GetBoolean());
        }
    }

    private static string ToJson(DeviceReport report)
    {
        using var stream = new MemoryStream();
        DeviceReportJsonWriter.Write(report, stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>edgellm.json as the converter writes it (checksums, source and per-tensor errors cut short); the model is named after its folder.</summary>
    private static void WriteManifest(string root, string folder, int layers, int heads, int kvHeads, int hidden, int intermediate, int vocab, long weightBytes)
    {
        string path = Path.Combine(root, folder);
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, "edgellm.json"), $$"""
            {
              "format_version": 1, "tool": { "name": "edgellm", "version": "0.1.0" },
              "source": { "path": null, "architecture": "qwen2", "files": [] },
              "precision": "int4", "max_context": 131072, "logits": "all",
              "model": {
                "layers": {{layers}}, "hidden_size": {{hidden}}, "intermediate_size": {{intermediate}}, "heads": {{heads}}, "kv_heads": {{kvHeads}},
                "head_dim": 128, "vocab_size": {{vocab}}, "tied_embeddings": false
              },
              "quantization": { "bits": 4, "block_size": 32 },
              "weights_bytes": {{weightBytes}},
              "files": [ { "name": "model.onnx.data", "bytes": {{weightBytes}}, "xxh3_128": "00" } ]
            }
            """);
    }
}

using System.Text.Json;
using EdgeLLM.Quantize.Architectures;
using EdgeLLM.Runtime.Tests.Generation;

namespace EdgeLLM.Cli.Tests.Commands;

/// <summary>
/// <c>generate</c> plans before it loads: --context, --threads, --device-profile and --ep reach the
/// session (reported under "plan" by --json), and each refusal is one line on stderr with exit code 1.
/// </summary>
[Collection(ModelFoldersCollection.Name)]
public sealed class RunPlanningCommandTests(ModelFolders models)
{
    [Fact]
    public void ContextAndThreads_ReachTheSession()
    {
        JsonElement plan = GeneratePlan("--context", "128", "--threads", "1");

        Assert.Equal(128, plan.GetProperty("context").GetInt32());
        Assert.Equal(1, plan.GetProperty("threads").GetInt32());
        Assert.Equal("cpu", plan.GetProperty("execution_provider").GetString());
        Assert.Equal(128, plan.GetProperty("estimate").GetProperty("context").GetInt32());
    }

    [Fact]
    public void WithoutContext_ThePlannerPicksTheModelsMaximumWhenItFits()
    {
        // The tiny model was converted with a 256-token maximum; a few MB fit anywhere.
        JsonElement plan = GeneratePlan();

        Assert.Equal(256, plan.GetProperty("context").GetInt32());
    }

    [Fact]
    public void DeviceProfile_SetsThreadsAndPromptChunk()
    {
        JsonElement plan = GeneratePlan("--device-profile", "raspberry-pi-4");

        Assert.Equal("raspberry-pi-4", plan.GetProperty("device_profile").GetString());
        Assert.Equal(4, plan.GetProperty("threads").GetInt32());
        Assert.Equal(64, plan.GetProperty("prefill_chunk").GetInt32());
    }

    [Fact]
    public void ExplicitCpu_IsUsed()
    {
        JsonElement plan = GeneratePlan("--ep", "cpu");

        Assert.Equal("cpu", plan.GetProperty("execution_provider").GetString());
    }

    [Theory]
    [InlineData("--context", "512", "context 512 is larger than tiny-r1-qwen2-last's maximum context 256")]
    [InlineData("--device-profile", "pi-zero", "unknown device profile 'pi-zero': known profiles are arm64-generic, cuda-gpu, raspberry-pi-4")]
    [InlineData("--ep", "cuda", "execution provider cuda is not available: ")]
    [InlineData("--ep", "dml", "execution provider dml is not available: this ONNX Runtime build has no DmlExecutionProvider")]
    [InlineData("--ep", "rocm", "unknown execution provider 'rocm': use auto, cpu, dml or cuda")]
    [InlineData("--context", "-5", "--context must be a positive number of tokens, not -5")]
    [InlineData("--threads", "-1", "--threads must be 0 or more, not -1")]
    public void Refusals_AreOneLine(string option, string value, string message)
    {
        (int exitCode, string output, string error) = CliRunner.Run(["generate", "-m", models.Tiny(ModelFolders.Qwen2), "-p", "hi", "--max-tokens", "2", option, value]);

        Assert.Equal(1, exitCode);
        Assert.Equal(string.Empty, output);
        Assert.StartsWith("edgellm generate: error: ", error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void DirectMLTargetFolder_RunsWithFp16CacheAndLogits_AndSaysACpuConversionIsFaster()
    {
        // The --target dml graph binds fp16 KV buffers and fp16 logits (widened for the sampler); on the CPU
        // provider it runs and reproduces the reference's first greedy tokens, with one notice line.
        ReferenceCase reference = ReferenceCase.Load(ModelFolders.Qwen2, 1);
        (int exitCode, string output, string error) = CliRunner.Run(
            ["generate", "-m", models.Tiny(ModelFolders.Qwen2, target: GraphTarget.DirectML), "-p", ReferenceCase.StoryPrompt, "--temperature", "0", "--max-tokens", "4", "--json"]);

        Assert.True(exitCode == 0, error);
        Assert.Contains("is the dml target variant (fp16, for DirectML); on Cpu a conversion for the cpu target is faster", error, StringComparison.Ordinal);
        int[] tokens = [.. JsonDocument.Parse(output).RootElement.GetProperty("tokens").EnumerateArray().Select(token => token.GetInt32())];
        Assert.Equal(reference.GreedyIds.Take(4), tokens);
    }

    private JsonElement GeneratePlan(params string[] arguments)
    {
        (int exitCode, string output, string error) = CliRunner.Run(
            ["generate", "-m", models.Tiny(ModelFolders.Qwen2), "-p", ReferenceCase.StoryPrompt, "--temperature", "0", "--max-tokens", "2", "--json", .. arguments]);
        Assert.True(exitCode == 0, error);
        using JsonDocument document = JsonDocument.Parse(output);
        return document.RootElement.GetProperty("plan").Clone();
    }
}

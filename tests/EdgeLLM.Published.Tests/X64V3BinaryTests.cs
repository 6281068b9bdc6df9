using System.Runtime.Intrinsics.X86;
using EdgeLLM.Tests.Shared;
using Xunit.Abstractions;

namespace EdgeLLM.Published.Tests;

/// <summary>
/// The linux-x64-v3 build (IlcInstructionSet=x86-64-v3): its CPU engine runs the AVX2 kernels, which the baseline
/// build cannot (NativeAOT folds Avx2.IsSupported to false there), and both builds generate the same tokens.
/// </summary>
[Collection(PublishedModelsCollection.Name)]
public sealed class X64V3BinaryTests(PublishedModels models, ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder temp = TestPaths.CreateTemp("published-x64-v3");

    public void Dispose() => temp.Dispose();

    [Theory]
    [InlineData("int4")]
    [InlineData("fp32")]
    public void TheV3BuildRunsTheAvx2KernelsAndGeneratesTheBaselineBuildsTokens(string precision)
    {
        if (!PublishedBinaries.Available(output, [PublishedBinaries.X64, PublishedBinaries.X64V3]))
        {
            return;
        }

        if (!Avx2.IsSupported || !Fma.IsSupported)
        {
            output.WriteLine("skipped: this CPU has no AVX2/FMA, so the x86-64-v3 build cannot start here");
            return;
        }

        string v3 = PublishedBinaries.FreshCopy(PublishedBinaries.X64V3, Path.Combine(temp.Path, "v3"));
        string[] arguments = [.. Generation.Arguments(models.Folder(precision)), "--engine", "cpu"];
        ProcessRun baselineRun = ProcessRun.Start([models.X64Binary, .. arguments], null, TimeSpan.FromMinutes(5));
        ProcessRun v3Run = ProcessRun.Start([v3, .. arguments], null, TimeSpan.FromMinutes(5));

        string baselineEngine = Generation.Engine(baselineRun), v3Engine = Generation.Engine(v3Run);
        output.WriteLine($"baseline: {baselineEngine}; v3: {v3Engine}");
        Assert.Contains("AVX2+FMA", v3Engine, StringComparison.Ordinal);
        Assert.Contains("portable 128-bit", baselineEngine, StringComparison.Ordinal);
        Assert.Contains("the linux-x64-v3 build runs the AVX2 kernels", baselineEngine, StringComparison.Ordinal);
        Assert.Equal(Generation.Tokens(baselineRun), Generation.Tokens(v3Run));
        if (precision == "fp32")
        {
            // fp32 weights: the CPU engine's greedy tokens are ONNX Runtime's (the fixture's run, --engine auto).
            Assert.Equal(models.X64Tokens(precision), Generation.Tokens(v3Run));
        }
    }
}

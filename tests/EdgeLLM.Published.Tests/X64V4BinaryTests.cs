using System.Runtime.Intrinsics.X86;
using EdgeLLM.Tests.Shared;
using Xunit.Abstractions;

namespace EdgeLLM.Published.Tests;

/// <summary>
/// The linux-x64-v4 build (IlcInstructionSet=x86-64-v4): its CPU engine runs the AVX2 kernels with AVX-512 encodings
/// and generates the v3 build's tokens. It only starts on a CPU with AVX-512 F/BW/CD/DQ/VL; elsewhere the test says so.
/// </summary>
[Collection(PublishedModelsCollection.Name)]
public sealed class X64V4BinaryTests(PublishedModels models, ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder temp = TestPaths.CreateTemp("published-x64-v4");

    public void Dispose() => temp.Dispose();

    [Theory]
    [InlineData("int4")]
    [InlineData("fp32")]
    public void TheV4BuildRunsAvx512EncodedKernelsAndGeneratesTheV3BuildsTokens(string precision)
    {
        if (!PublishedBinaries.Available(output, [PublishedBinaries.X64V3, PublishedBinaries.X64V4]))
        {
            return;
        }

        if (!(Avx512F.VL.IsSupported && Avx512BW.VL.IsSupported && Avx512CD.VL.IsSupported && Avx512DQ.VL.IsSupported))
        {
            output.WriteLine("skipped: this CPU (or its OS) does not enable AVX-512 F/BW/CD/DQ/VL, so the x86-64-v4 build cannot start here");
            return;
        }

        string v3 = PublishedBinaries.FreshCopy(PublishedBinaries.X64V3, Path.Combine(temp.Path, "v3"));
        string v4 = PublishedBinaries.FreshCopy(PublishedBinaries.X64V4, Path.Combine(temp.Path, "v4"));
        string[] arguments = [.. Generation.Arguments(models.Folder(precision)), "--engine", "cpu"];
        ProcessRun v3Run = ProcessRun.Start([v3, .. arguments], null, TimeSpan.FromMinutes(5));
        ProcessRun v4Run = ProcessRun.Start([v4, .. arguments], null, TimeSpan.FromMinutes(5));

        string v3Engine = Generation.Engine(v3Run), v4Engine = Generation.Engine(v4Run);
        output.WriteLine($"v3: {v3Engine}; v4: {v4Engine}");
        Assert.Contains("AVX-512 encoded", v4Engine, StringComparison.Ordinal);
        Assert.DoesNotContain("AVX-512", v3Engine, StringComparison.Ordinal);
        Assert.Equal(Generation.Tokens(v3Run), Generation.Tokens(v4Run));
    }
}

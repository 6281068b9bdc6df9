using System.Collections.Concurrent;
using EdgeLLM.Tests.Shared;

namespace EdgeLLM.Published.Tests;

/// <summary>
/// Tiny model folders made the way a user makes them, by the published x64 binary itself: <c>synth</c> the
/// tiny-r1-qwen2 reference shape with the real R1 tokenizer, then <c>quantize</c> it (int4 and int8 for the cross-machine
/// comparisons, fp32 for the reference greedy ids). Built once per test run, on first use.
/// The int4 folder uses accuracy level 1 (MatMulNBits dequantizes to fp32 and multiplies in fp32): the default,
/// level 4, quantizes activations to int8, and ONNX Runtime's ARM dotprod kernel for it (Pi 5) rounds differently
/// from the x64 one, which flips near-tie greedy choices of these synthetic weights (seen: token 3 of 24).
/// </summary>
public sealed class PublishedModels : IDisposable
{
    public const string Shape = "tiny-r1-qwen2";

    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(5);
    private readonly TempFolder root = TestPaths.CreateTemp("published-models");
    private readonly ConcurrentDictionary<string, Lazy<string>> folders = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<int[]>> x64Tokens = new(StringComparer.Ordinal);
    private readonly Lazy<string> binary;

    public PublishedModels()
        => binary = new Lazy<string>(() => PublishedBinaries.FreshCopy(PublishedBinaries.X64, Path.Combine(root.Path, "bin")));

    /// <summary>The folder of <see cref="Shape"/> quantized to <paramref name="precision"/> (int4, int8 or fp32).</summary>
    public string Folder(string precision)
        => folders.GetOrAdd(precision, _ => new Lazy<string>(() =>
        {
            string checkpoint = folders.GetOrAdd("hf", _ => new Lazy<string>(() =>
            {
                string output = Path.Combine(root.Path, Shape + "-hf");
                Run("synth", "--shape", Shape, "--tokenizer", TestPaths.Tokenizer("r1-distill-qwen"), "-o", output);
                return output;
            })).Value;
            string model = Path.Combine(root.Path, $"{Shape}-{precision}");
            string[] accuracy = precision == "int4" ? ["--accuracy-level", "1"] : [];
            Run(["quantize", checkpoint, "-o", model, "--precision", precision, "--max-context", "256", "--quiet", .. accuracy]);
            return model;
        })).Value;

    /// <summary>A copy of the published x64 binary in this fixture's folder (so its first-run cache lands there, not in out/publish).</summary>
    public string X64Binary => binary.Value;

    /// <summary>The tokens the published x64 binary generates from the <paramref name="precision"/> folder (<see cref="Generation.Arguments"/>).</summary>
    public int[] X64Tokens(string precision)
        => x64Tokens.GetOrAdd(precision, _ => new Lazy<int[]>(() => Generation.Tokens(
            ProcessRun.Start([X64Binary, .. Generation.Arguments(Folder(precision))], null, BuildTimeout)))).Value;

    public void Dispose() => root.Dispose();

    private void Run(params string[] arguments)
        => ProcessRun.Start([X64Binary, .. arguments], null, BuildTimeout).Succeeded("edgellm " + arguments[0]);
}

/// <summary>Tests that share <see cref="PublishedModels"/>; one at a time (each runs whole processes, some emulated).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PublishedModelsCollection : ICollectionFixture<PublishedModels>
{
    public const string Name = "published binaries";
}

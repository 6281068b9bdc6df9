using EdgeLLM.Tests.Shared;
using Xunit.Abstractions;

namespace EdgeLLM.Published.Tests;

/// <summary>
/// The ONNX Runtime library inside the published x64 binary: a damaged extracted copy is replaced before it is
/// loaded, and a binary whose built-in copy is damaged (a bad USB stick) stops with one line, loading nothing.
/// </summary>
[Collection(PublishedModelsCollection.Name)]
public sealed class BuiltInOnnxRuntimeTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private readonly TempFolder temp = TestPaths.CreateTemp("built-in-ort");

    public void Dispose() => temp.Dispose();

    [Fact]
    public void ADamagedExtractedCopyIsReplacedBeforeLoading()
    {
        if (!PublishedBinaries.Available(output, [PublishedBinaries.X64]))
        {
            return;
        }

        string binary = PublishedBinaries.FreshCopy(PublishedBinaries.X64, Path.Combine(temp.Path, "stick"));
        ProcessRun.Start([binary, "devices", "--json"], null, Timeout).Succeeded("edgellm devices (first run)");
        string library = ExtractedLibrary(binary);
        byte[] good = File.ReadAllBytes(library);
        byte[] damaged = (byte[])good.Clone();
        damaged[good.Length / 2] ^= 0x01;
        File.WriteAllBytes(library, damaged);

        ProcessRun.Start([binary, "devices", "--json"], null, Timeout).Succeeded("edgellm devices (damaged copy)");

        Assert.Equal(good, File.ReadAllBytes(ExtractedLibrary(binary)));
    }

    [Fact]
    public void ABinaryWithADamagedBuiltInLibraryStopsWithOneLine()
    {
        if (!PublishedBinaries.Available(output, [PublishedBinaries.X64]))
        {
            return;
        }

        // Find the library's bytes inside the binary through a good extraction, then damage one of them in a second copy.
        string good = PublishedBinaries.FreshCopy(PublishedBinaries.X64, Path.Combine(temp.Path, "good"));
        ProcessRun.Start([good, "devices", "--json"], null, Timeout).Succeeded("edgellm devices");
        byte[] library = File.ReadAllBytes(ExtractedLibrary(good));
        string damagedBinary = PublishedBinaries.FreshCopy(PublishedBinaries.X64, Path.Combine(temp.Path, "damaged"));
        byte[] bytes = File.ReadAllBytes(damagedBinary);
        int offset = bytes.AsSpan().IndexOf(library.AsSpan(library.Length / 2, 4096));
        Assert.True(offset > 0, "the library's bytes were not found inside the binary");
        bytes[offset + 100] ^= 0x01;
        File.WriteAllBytes(damagedBinary, bytes);

        ProcessRun run = ProcessRun.Start([damagedBinary, "devices"], null, Timeout);

        output.WriteLine(run.Error);
        Assert.Equal(1, run.ExitCode);
        string line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("edgellm devices: error: the onnxruntime library built into this executable is corrupt (XXH3-128 ", line, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Path.Combine(temp.Path, "damaged"), "libonnxruntime.so*", SearchOption.AllDirectories));
    }

    private static string ExtractedLibrary(string binary)
        => Assert.Single(Directory.GetFiles(Path.Combine(Path.GetDirectoryName(binary)!, ".edgellm", "native"), "libonnxruntime.so", SearchOption.AllDirectories));
}

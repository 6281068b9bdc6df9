using EdgeLLM.Format;
using EdgeLLM.Runtime.Native;
using EdgeLLM.Tests.Shared;

namespace EdgeLLM.Runtime.Tests.Native;

/// <summary>
/// Finding a native library embedded in an assembly by its resource name, as the NativeAOT publish embeds
/// ONNX Runtime; and that a plain dotnet build of edgellm embeds nothing, so nothing changes there.
/// </summary>
public sealed class EmbeddedNativeLibraryTests : IDisposable
{
    private readonly TempFolder temp = TestPaths.CreateTemp("embedded-library");

    public void Dispose() => temp.Dispose();

    [Fact]
    public void AnEmbeddedLibraryIsFoundByNameAndExtractsItsBytes()
    {
        EmbeddedNativeLibrary? library = EmbeddedNativeLibrary.Find(typeof(EmbeddedNativeLibraryTests).Assembly, "fixture");

        Assert.NotNull(library);
        Assert.Equal(("fixture", "1.0.0", "libfixture.so"), (library.Name, library.Version, library.FileName));
        Assert.Equal(FixtureChecksum, library.Checksum);
        string path = new NativeLibraryCache([temp.Path]).Extract(library);
        Assert.Equal(File.ReadAllBytes(Path.Combine(TestPaths.RepoRoot, "tests", "EdgeLLM.Runtime.Tests", "Native", "embedded-fixture.bin")), File.ReadAllBytes(path));
    }

    [Fact]
    public void AResourceNameWithoutAllItsPartsIsRejected()
    {
        var error = Assert.Throws<EdgeLlmException>(() => EmbeddedNativeLibrary.Find(typeof(EmbeddedNativeLibraryTests).Assembly, "malformed"));

        Assert.Equal("embedded resource 'EdgeLLM.Native/malformed/1.0.0/libmalformed.so' is not named EdgeLLM.Native/<name>/<version>/<xxh3-128>/<file name>", error.Message);
    }

    [Fact]
    public void APlainBuildOfEdgellmCarriesNoLibraryAndChangesNothing()
    {
        Assert.Null(EmbeddedNativeLibrary.Find(typeof(EdgeLLM.Cli.Program).Assembly, OnnxRuntimeLibrary.ImportName));
        Assert.False(OnnxRuntimeLibrary.UseEmbedded(typeof(EdgeLLM.Cli.Program).Assembly));
        Assert.Null(OnnxRuntimeLibrary.ExtractedPath);
    }

    /// <summary>xxhsum -H2 Native/embedded-fixture.bin (the reference xxHash command line), as the csproj names it.</summary>
    private const string FixtureChecksum = "f1d608cc1fcce7a04855f5e76f75bc53";
}

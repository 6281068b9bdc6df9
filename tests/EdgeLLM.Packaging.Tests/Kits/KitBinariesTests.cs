using EdgeLLM.Packaging.Kits;

namespace EdgeLLM.Packaging.Tests.Kits;

public sealed class KitBinariesTests
{
    [Fact]
    public void APublishedOrKitBinaryPacksFromItsOwnParentFolder()
    {
        Assert.Equal(Path.GetFullPath("/media/stick/kit/bin"), KitBinaries.DefaultRoot("/media/stick/kit/bin/linux-arm64/", launchingKit: null));
        Assert.Equal(Path.GetFullPath("/src/edgellm/out/publish"), KitBinaries.DefaultRoot("/src/edgellm/out/publish/linux-x64", launchingKit: null));
    }

    [Fact]
    public void ABuildInsideTheRepositoryPacksFromOutPublish()
    {
        string? root = KitBinaries.DefaultRoot(AppContext.BaseDirectory, launchingKit: null);

        Assert.Equal(Path.Combine(EdgeLLM.Tests.Shared.TestPaths.RepoRoot, "out", "publish"), root);
    }

    [Fact]
    public void TheKitTheLauncherNamedWinsOverTheBinarysFolder()
    {
        string kit = Path.Combine(Path.GetTempPath(), "edgellm-tests", $"launching-kit-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(kit, "bin"));
        try
        {
            Assert.Equal(Path.Combine(kit, "bin"), KitBinaries.DefaultRoot("/home/user/.cache/edgellm/kit-bin/linux-x64-123", kit));
            Assert.Null(KitBinaries.DefaultRoot("/", launchingKit: null));
        }
        finally
        {
            Directory.Delete(kit, recursive: true);
        }
    }
}

using EdgeLLM.Devices.Reports;
using EdgeLLM.Format.Platform;
using EdgeLLM.Tests.Shared;

namespace EdgeLLM.Devices.Tests.Reports;

public sealed class ModelFoldersTests
{
    [Fact]
    public void Find_TakesModelFoldersAndTheirParents_SkipsMissingPaths()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string parent = Path.Combine(temp.Path, "models");
        string first = Path.Combine(parent, "a-model");
        string second = Path.Combine(parent, "b-model");
        string empty = Path.Combine(parent, "no-manifest");
        string direct = Path.Combine(temp.Path, "direct-model");
        foreach (string folder in new[] { first, second, empty, direct })
        {
            Directory.CreateDirectory(folder);
        }

        File.WriteAllText(Path.Combine(first, "edgellm.json"), "{}");
        File.WriteAllText(Path.Combine(second, "edgellm.json"), "{}");
        File.WriteAllText(Path.Combine(direct, "edgellm.json"), "{}");

        IReadOnlyList<string> found = ModelFolders.Find([parent, direct, Path.Combine(temp.Path, "missing")]);

        Assert.Equal([first, second, direct], found);
    }

    [Fact]
    public void SearchPaths_AreTheVariable_NextToTheBinary_TheKit_TheHomeFolder_ThenTheGivenOne()
    {
        IReadOnlyList<string> paths = ModelFolders.SearchPaths("/media/stick/kit/bin/linux-arm64", "/home/pi", "/a/models:/b/models", "extra");

        Assert.Equal(
            ["/a/models", "/b/models", "/media/stick/kit/bin/linux-arm64/models", "/media/stick/kit/models", "/home/pi/.edgellm/models", Path.GetFullPath("extra")],
            paths);
    }

    [Fact]
    public void SearchPaths_OfThisProcess_StartNextToTheBinary()
    {
        IReadOnlyList<string> paths = ModelFolders.SearchPaths("extra");

        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "models"), paths[0]);
        Assert.EndsWith(Path.Combine(".edgellm", "models"), paths[2], StringComparison.Ordinal);
        Assert.Equal(Path.GetFullPath("extra"), paths[3]);
    }

    [Fact]
    public void Resolve_FindsABareNameAmongTheModels_AndLeavesPathsAlone()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string model = Path.Combine(temp.Path, "models", "tiny-int4");
        Directory.CreateDirectory(model);
        File.WriteAllText(Path.Combine(model, "edgellm.json"), "{}");
        string[] searchPaths = [Path.Combine(temp.Path, "models")];

        Assert.Equal(model, ModelFolders.Resolve("tiny-int4", searchPaths));
        Assert.Equal("unknown-model", ModelFolders.Resolve("unknown-model", searchPaths));
        Assert.Equal("./tiny-int4", ModelFolders.Resolve("./tiny-int4", searchPaths));
    }
}

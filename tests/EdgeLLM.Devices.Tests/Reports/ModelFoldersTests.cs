using EdgeLLM.Devices.Reports;
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
    public void SearchPaths_AreNextToTheBinary_InTheHomeFolder_ThenTheGivenOne()
    {
        IReadOnlyList<string> paths = ModelFolders.SearchPaths("extra");

        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "models"), paths[0]);
        Assert.EndsWith(Path.Combine(".edgellm", "models"), paths[1], StringComparison.Ordinal);
        Assert.Equal(Path.GetFullPath("extra"), paths[2]);
    }
}

using EdgeLLM.Format.Files;
using EdgeLLM.Tests.Shared;

namespace EdgeLLM.Quantize.Tests.Files;

public sealed class StagedFolderTests
{
    private const string Marker = "edgellm.json";

    [Fact]
    public void NothingAppearsUntilCommitAndAbandonedWorkIsRemoved()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string output = Path.Combine(temp.Path, "out");
        using (var staged = StagedFolder.Create(output, replace: false, [], Marker))
        {
            File.WriteAllText(Path.Combine(staged.Path, "half-written"), "x");
            Assert.StartsWith(temp.Path, staged.Path, StringComparison.Ordinal);
            Assert.False(Directory.Exists(output));
        }

        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
        using (var staged = StagedFolder.Create(output, replace: false, [], Marker))
        {
            File.WriteAllText(Path.Combine(staged.Path, "done"), "x");
            staged.Commit();
        }

        Assert.Equal([output], Directory.GetFileSystemEntries(temp.Path));
        Assert.True(File.Exists(Path.Combine(output, "done")));
    }

    [Fact]
    public void ReplaceSwapsTheWholeFolderAndRefusalNamesIt()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string output = Path.Combine(temp.Path, "out");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "old"), "x");
        File.WriteAllText(Path.Combine(output, Marker), "{}");
        IOException refused = Assert.Throws<IOException>(() => StagedFolder.Create(output, replace: false, [], Marker));
        Assert.Equal($"output folder '{output}' exists and is not empty (replace it only by forcing)", refused.Message);
        using (var staged = StagedFolder.Create(output, replace: true, [], Marker))
        {
            File.WriteAllText(Path.Combine(staged.Path, "new"), "x");
            staged.Commit();
        }

        Assert.Equal(["new"], Directory.GetFiles(output).Select(path => Path.GetFileName(path)!).ToArray());
        Assert.Equal([output], Directory.GetFileSystemEntries(temp.Path));
    }
}

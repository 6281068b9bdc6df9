using EdgeLLM.Tui.Models;

namespace EdgeLLM.Tui.Tests.Models;

public sealed class ModelCatalogTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "edgellm-catalog-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void SearchFoldersAreNextToTheBinaryInTheHomeAndInTheUsbKit()
    {
        IReadOnlyList<string> folders = ModelCatalog.DefaultSearchFolders("/media/kit/bin/linux-arm64", "/home/pi");
        Assert.Equal(["/media/kit/bin/linux-arm64/models", "/media/kit/models", "/home/pi/.edgellm/models"], folders.TakeLast(3));
    }

    [Fact]
    public void OnlyFoldersWithAManifestAreModelsAndEachIsListedOnce()
    {
        string first = Path.Combine(root, "a");
        string second = Path.Combine(root, "b");
        MakeModel(first, "zeta");
        MakeModel(first, "alpha");
        Directory.CreateDirectory(Path.Combine(first, "not-a-model"));
        MakeModel(second, "beta");

        IReadOnlyList<ModelEntry> models = ModelCatalog.Find([first, Path.Combine(root, "missing"), second, first]);

        Assert.Equal(["alpha", "zeta", "beta"], models.Select(model => model.Name));
        Assert.Equal(Path.Combine(first, "alpha"), models[0].Folder);
    }

    [Fact]
    public void TheHowToTextNamesTheFoldersAndBothCommands()
    {
        string text = ModelCatalog.HowToGetOne(["/x/models", "/home/pi/.edgellm/models"]);
        Assert.Contains("  /x/models\n  /home/pi/.edgellm/models\n", text, StringComparison.Ordinal);
        Assert.Contains("edgellm quantize <hf-dir> -o ~/.edgellm/models/<name> --precision int4", text, StringComparison.Ordinal);
        Assert.Contains("edgellm synth --shape tiny-r1-qwen2", text, StringComparison.Ordinal);
    }

    private static void MakeModel(string searchFolder, string name)
    {
        string folder = Path.Combine(searchFolder, name);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, ModelCatalog.ManifestName), "{}");
    }
}

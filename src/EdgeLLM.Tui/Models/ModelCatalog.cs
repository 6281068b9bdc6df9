using EdgeLLM.Devices.Reports;
using EdgeLLM.Format.Platform;

namespace EdgeLLM.Tui.Models;

/// <summary>Finds converted models: folders holding an edgellm.json, directly under each search folder.</summary>
public static class ModelCatalog
{
    public const string ManifestName = "edgellm.json";

    /// <summary>
    /// Where models are looked for (the devices library's order): <c>$EDGELLM_MODELS</c> (set by the USB kit launchers),
    /// <c>models</c> next to the binary, a USB kit's <c>models</c> (binary in <c>&lt;kit&gt;/bin/&lt;rid&gt;/</c>) and <c>~/.edgellm/models</c>.
    /// </summary>
    public static IReadOnlyList<string> DefaultSearchFolders(string binaryFolder, string homeFolder)
        => ModelFolders.SearchPaths(binaryFolder, homeFolder, Environment.GetEnvironmentVariable(ModelFolders.ModelsVariable), extraDirectory: null);

    /// <summary>The model folders found (the devices library's discovery, shared with <c>edgellm devices</c>).</summary>
    public static IReadOnlyList<ModelEntry> Find(IEnumerable<string> searchFolders)
        => ModelFolders.Find(searchFolders.Select(Path.GetFullPath).Distinct(StringComparer.Ordinal))
            .Select(folder => new ModelEntry(Path.GetFileName(folder), folder))
            .ToList();

    /// <summary>Shown in the window when no model is found.</summary>
    public static string HowToGetOne(IReadOnlyList<string> searchFolders)
    {
        var text = new System.Text.StringBuilder();
        text.Append("No model found. EdgeLLM looked for folders holding ").Append(ManifestName).Append(" in:\n");
        foreach (string folder in searchFolders)
        {
            text.Append("  ").Append(folder).Append('\n');
        }

        text.Append('\n');
        text.Append("To get one, quit (Ctrl+Q) and either convert a Hugging Face model:\n");
        text.Append("  edgellm quantize <hf-dir> -o ~/.edgellm/models/<name> --precision int4\n");
        text.Append("or make a tiny synthetic one to try the app:\n");
        text.Append("  edgellm synth --shape tiny-r1-qwen2 --tokenizer <tokenizer-dir> -o /tmp/tiny\n");
        text.Append("  edgellm quantize /tmp/tiny -o ~/.edgellm/models/tiny --precision int4\n");
        text.Append("Then run `edgellm` again, or press F3 to look again.");
        return text.ToString();
    }
}

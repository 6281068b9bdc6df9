using EdgeLLM.Format.ModelFolder;

namespace EdgeLLM.Format.Platform;

/// <summary>Where EdgeLLM looks for converted models, and the model folders (holding edgellm.json) found there.</summary>
public static class ModelFolders
{
    /// <summary>
    /// Folders to search first, separated like PATH (':' or ';'); the USB kit launchers set it to the kit's <c>models</c>
    /// (the binary may run from a per-user cache copy, away from the kit).
    /// </summary>
    public const string ModelsVariable = "EDGELLM_MODELS";

    /// <summary>The search paths of this process: see <see cref="SearchPaths(string, string, string?, string?)"/>.</summary>
    public static IReadOnlyList<string> SearchPaths(string? extraDirectory)
        => SearchPaths(AppContext.BaseDirectory, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), Environment.GetEnvironmentVariable(ModelsVariable), extraDirectory);

    /// <summary>
    /// In order: the folders of <c>$EDGELLM_MODELS</c>, <c>models</c> next to the executable, a USB kit's <c>models</c>
    /// (the executable sits in <c>&lt;kit&gt;/bin/&lt;rid&gt;/</c>), <c>~/.edgellm/models</c>, then <paramref name="extraDirectory"/>.
    /// </summary>
    public static IReadOnlyList<string> SearchPaths(string binaryFolder, string homeFolder, string? modelsVariable, string? extraDirectory)
    {
        var paths = new List<string>();
        if (!string.IsNullOrEmpty(modelsVariable))
        {
            paths.AddRange(modelsVariable.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        paths.Add(Path.Combine(binaryFolder, "models"));
        paths.Add(Path.Combine(binaryFolder, "..", "..", "models"));
        paths.Add(UserFolders.ModelsIn(homeFolder));
        if (extraDirectory is not null)
        {
            paths.Add(extraDirectory);
        }

        return [.. paths.Select(Path.GetFullPath).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>Each search path that is itself a model folder, and each direct subfolder that is one; missing paths are skipped.</summary>
    public static IReadOnlyList<string> Find(IEnumerable<string> searchPaths)
    {
        ArgumentNullException.ThrowIfNull(searchPaths);
        var folders = new List<string>();
        foreach (string root in searchPaths.Where(Directory.Exists))
        {
            if (IsModelFolder(root))
            {
                folders.Add(root);
                continue;
            }

            folders.AddRange(Directory.EnumerateDirectories(root).Where(IsModelFolder).Order(StringComparer.Ordinal));
        }

        return [.. folders.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>
    /// A model given on the command line: an existing folder or a path as given, or else a bare folder name looked up
    /// among the models found in <paramref name="searchPaths"/> (so <c>-m tiny-int4</c> finds a kit's <c>models/tiny-int4</c>).
    /// </summary>
    public static string Resolve(string nameOrPath, IEnumerable<string> searchPaths)
    {
        ArgumentNullException.ThrowIfNull(nameOrPath);
        if (Directory.Exists(nameOrPath) || nameOrPath.Contains('/', StringComparison.Ordinal) || nameOrPath.Contains('\\', StringComparison.Ordinal))
        {
            return nameOrPath;
        }

        return Find(searchPaths).FirstOrDefault(folder => Path.GetFileName(folder) == nameOrPath) ?? nameOrPath;
    }

    private static bool IsModelFolder(string folder) => File.Exists(Path.Combine(folder, ModelManifest.FileName));
}

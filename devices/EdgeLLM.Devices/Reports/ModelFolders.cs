using EdgeLLM.Devices.Planning;

namespace EdgeLLM.Devices.Reports;

/// <summary>Where EdgeLLM looks for converted models, and the model folders (holding edgellm.json) found there.</summary>
public static class ModelFolders
{
    /// <summary><c>models</c> next to the executable, then <c>~/.edgellm/models</c>, then <paramref name="extraDirectory"/>.</summary>
    public static IReadOnlyList<string> SearchPaths(string? extraDirectory)
    {
        var paths = new List<string>
        {
            Path.Combine(AppContext.BaseDirectory, "models"),
            Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".edgellm", "models"),
        };
        if (extraDirectory is not null)
        {
            paths.Add(Path.GetFullPath(extraDirectory));
        }

        return [.. paths.Distinct(StringComparer.Ordinal)];
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

    private static bool IsModelFolder(string folder) => File.Exists(Path.Combine(folder, ModelManifestReader.FileName));
}

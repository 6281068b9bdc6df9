namespace EdgeLLM.Packaging.Kits;

/// <summary>
/// Finds the published <c>edgellm</c> binary of each target: <c>&lt;root&gt;/&lt;rid&gt;/edgellm[.exe]</c> under the
/// folder given with <c>--binaries</c>, else the <c>bin/</c> of the kit the launcher started us from (<c>$EDGELLM_KIT</c>;
/// the binary may be a cache copy), else the folder the running binary was published into (a kit's <c>bin/</c> or
/// <c>out/publish/</c>), else the repository's <c>out/publish/</c>.
/// </summary>
public static class KitBinaries
{
    /// <summary>Set by the kit launchers to the kit's folder.</summary>
    public const string KitVariable = "EDGELLM_KIT";

    /// <summary>Where binaries are looked for when <c>--binaries</c> is not given, or null when nothing fits.</summary>
    /// <param name="binaryFolder">The folder of the running program (AppContext.BaseDirectory).</param>
    /// <param name="launchingKit">The kit folder the launcher set (<c>$EDGELLM_KIT</c>), or null.</param>
    public static string? DefaultRoot(string binaryFolder, string? launchingKit)
    {
        if (!string.IsNullOrEmpty(launchingKit) && Directory.Exists(Path.Combine(launchingKit, KitLayout.BinFolder)))
        {
            return Path.GetFullPath(Path.Combine(launchingKit, KitLayout.BinFolder));
        }

        DirectoryInfo folder = new(Path.TrimEndingDirectorySeparator(Path.GetFullPath(binaryFolder)));
        if (KitLayout.KnownTargets.Contains(folder.Name, StringComparer.Ordinal) && folder.Parent is { } published)
        {
            return published.FullName;
        }

        for (DirectoryInfo? directory = folder; directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "EdgeLLM.sln")))
            {
                return Path.Combine(directory.FullName, "out", "publish");
            }
        }

        return null;
    }

    /// <summary>
    /// The binary of every target (target → full path); any missing is one <see cref="FileNotFoundException"/> that
    /// names each missing file and the command that builds it.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Find(string? root, IReadOnlyList<string> targets)
    {
        if (root is null)
        {
            throw new FileNotFoundException("no folder of published binaries found: give a binaries folder holding <rid>/edgellm, or build them with 'bash packaging/publish.sh <rid>' in the EdgeLLM repository");
        }

        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (string rid in targets)
        {
            string path = Path.Combine(root, rid, KitLayout.BinaryName(rid));
            if (File.Exists(path))
            {
                found[rid] = path;
            }
            else
            {
                missing.Add(rid);
            }
        }

        if (missing.Count > 0)
        {
            string files = string.Join(", ", missing.Select(rid => $"'{Path.Combine(root, rid, KitLayout.BinaryName(rid))}'"));
            string commands = string.Join(" and ", missing.Select(rid => $"'bash packaging/publish.sh {rid}'"));
            throw new FileNotFoundException($"no edgellm binary for {string.Join(", ", missing)}: {files} not found; build it with {commands} (or give a binaries folder holding <rid>/edgellm)");
        }

        return found;
    }
}

namespace EdgeLLM.Format.Files;

/// <summary>
/// A path with every symbolic link resolved: the longest part that exists is resolved link by link
/// (<see cref="FileSystemInfo.ResolveLinkTarget(bool)"/>), the rest is appended as given. Two paths
/// name the same place exactly when their real paths are equal.
/// </summary>
public static class RealPath
{
    private const int MaxLinks = 40;

    /// <summary>The real path of <paramref name="path"/> (absolute, no trailing separator, links resolved).</summary>
    public static string Of(string path)
    {
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        string root = Path.GetPathRoot(full) ?? string.Empty;
        string resolved = root;
        int links = 0;
        var pending = new Stack<string>(full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Reverse());
        while (pending.TryPop(out string? part))
        {
            string next = Path.Combine(resolved, part);
            var info = new FileInfo(next);
            if (info.LinkTarget is { } target && links++ < MaxLinks)
            {
                // Resolve the link's target relative to the folder holding the link, then continue inside it.
                string absolute = Path.GetFullPath(target, resolved);
                string targetRoot = Path.GetPathRoot(absolute) ?? string.Empty;
                foreach (string targetPart in absolute[targetRoot.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Reverse())
                {
                    pending.Push(targetPart);
                }

                resolved = targetRoot;
                continue;
            }

            resolved = part == ".." ? Path.GetDirectoryName(resolved) ?? resolved : part == "." ? resolved : next;
        }

        return Path.TrimEndingDirectorySeparator(resolved);
    }

    /// <summary>True when <paramref name="inner"/> is <paramref name="outer"/> or lies inside it (both real paths).</summary>
    public static bool IsSameOrInside(string inner, string outer)
    {
        StringComparison comparison = OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        return inner.Equals(outer, comparison)
            || inner.StartsWith(Path.TrimEndingDirectorySeparator(outer) + Path.DirectorySeparatorChar, comparison)
            || (outer == Path.GetPathRoot(outer) && inner.StartsWith(outer, comparison));
    }
}

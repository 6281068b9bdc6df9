namespace EdgeLLM.Format.Files;

/// <summary>
/// The files of a model folder or kit, walked without following links. A symbolic link inside (a file
/// pointing at /etc/shadow, a folder pointing at /etc) is refused with one line: what is measured, hashed
/// and read is then always the same regular file inside the folder.
/// </summary>
public static class RegularFiles
{
    /// <summary>Every regular file under <paramref name="root"/> (paths relative to it, '/'-separated).</summary>
    /// <exception cref="EdgeLlmException">A symbolic link lies inside <paramref name="root"/>.</exception>
    public static List<string> Under(string root, string what)
    {
        var files = new List<string>();
        Walk(root, root, what, files);
        return files;
    }

    /// <summary>Throws when a symbolic link lies directly or deeper inside <paramref name="root"/>.</summary>
    public static void RefuseLinks(string root, string what) => _ = Under(root, what);

    private static void Walk(string root, string folder, string what, List<string> files)
    {
        foreach (string entry in Directory.EnumerateFileSystemEntries(folder))
        {
            var info = new FileInfo(entry);
            if (info.LinkTarget is { } target)
            {
                string relative = Path.GetRelativePath(root, entry).Replace(Path.DirectorySeparatorChar, '/');
                throw new EdgeLlmException(MessageText.OneLine($"{what} '{root}' holds a symbolic link '{relative}' -> '{target}': a {what} holds regular files only (copy the file in instead)"));
            }

            if (Directory.Exists(entry))
            {
                Walk(root, entry, what, files);
            }
            else
            {
                files.Add(Path.GetRelativePath(root, entry).Replace(Path.DirectorySeparatorChar, '/'));
            }
        }
    }
}

namespace EdgeLLM.Format.Files;

/// <summary>
/// Compares the files under a folder with a list of expected files (relative paths with '/', sizes, XXH3-128):
/// sizes always, checksums on request. Shared by model folders (edgellm.json) and USB kits (MANIFEST.json).
/// </summary>
public static class FileSetVerifier
{
    /// <param name="root">The folder the names are relative to.</param>
    /// <param name="expected">Every file that must be there.</param>
    /// <param name="present">The relative names found in the folder (manifests themselves left out), for the extra-file check.</param>
    /// <param name="checksums">Re-hash every file whose size matches.</param>
    /// <param name="progress">Told after each file is checked.</param>
    public static FolderVerification Verify(string root, IReadOnlyList<OutputFile> expected, IEnumerable<string> present, bool checksums, IProgress<FileProgress>? progress = null)
    {
        var missing = new List<string>();
        var wrongSize = new List<string>();
        var corrupted = new List<string>();
        long bytesTotal = expected.Sum(file => file.Bytes);
        long bytesDone = 0;
        foreach (OutputFile file in expected)
        {
            string path = Path.Combine(root, file.Name.Replace('/', Path.DirectorySeparatorChar));
            if (!File.Exists(path))
            {
                missing.Add(file.Name);
            }
            else if (new FileInfo(path).Length != file.Bytes)
            {
                wrongSize.Add(file.Name);
            }
            else if (checksums && !string.Equals(FileChecksum.Of(path), file.Checksum, StringComparison.OrdinalIgnoreCase))
            {
                corrupted.Add(file.Name);
            }

            bytesDone += file.Bytes;
            progress?.Report(new FileProgress(file.Name, bytesDone, bytesTotal));
        }

        var names = new HashSet<string>(expected.Select(file => file.Name), StringComparer.Ordinal);
        List<string> extra = [.. present.Where(name => !names.Contains(name)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        return new FolderVerification(missing, wrongSize, corrupted, extra);
    }
}

using EdgeLLM.Quantize.Files;

namespace EdgeLLM.Quantize.Conversion;

/// <summary>
/// Checks a model folder against its <c>edgellm.json</c>: sizes always (cheap, catches truncated copies),
/// XXH3-128 checksums on request (catches flipped bytes from a lying USB stick).
/// </summary>
public static class ModelFolderVerifier
{
    /// <summary>Compares the folder with its manifest and lists every missing, resized, corrupted or extra file.</summary>
    public static FolderVerification Verify(string folder, ModelManifestInfo manifest, bool checksums)
    {
        var missing = new List<string>();
        var wrongSize = new List<string>();
        var corrupted = new List<string>();
        var expected = new HashSet<string>(StringComparer.Ordinal) { ModelManifest.FileName };
        foreach (OutputFile file in manifest.Files)
        {
            expected.Add(file.Name);
            string path = Path.Combine(folder, file.Name);
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
        }

        List<string> extra = [.. Directory.EnumerateFiles(folder)
            .Select(path => Path.GetFileName(path))
            .Where(name => !expected.Contains(name))
            .Order(StringComparer.Ordinal)];
        return new FolderVerification(missing, wrongSize, corrupted, extra);
    }

    /// <summary>
    /// Reads the manifest and refuses a folder whose files do not match it (one line naming the first
    /// problems); extra files are tolerated here, only <c>edgellm verify</c> reports them.
    /// </summary>
    public static ModelManifestInfo Check(string folder, bool checksums)
    {
        ModelManifestInfo manifest = ModelManifestReader.Read(folder);
        FolderVerification result = Verify(folder, manifest, checksums);
        if (result.Missing.Count + result.WrongSize.Count + result.Corrupted.Count > 0)
        {
            string problems = string.Join("; ", result.Problems().Where(problem => !problem.StartsWith("extra:", StringComparison.Ordinal)).Take(3));
            throw new InvalidDataException($"model folder '{folder}' does not match its {ModelManifest.FileName}: {problems} (run 'edgellm verify' or copy the model again)");
        }

        return manifest;
    }
}

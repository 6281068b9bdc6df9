using EdgeLLM.Format.Files;

namespace EdgeLLM.Format.ModelFolder;

/// <summary>
/// Checks a model folder against its <c>edgellm.json</c>: sizes always (cheap, catches truncated copies),
/// XXH3-128 checksums on request (catches flipped bytes from a lying USB stick).
/// </summary>
public static class ModelFolderVerifier
{
    /// <summary>Compares the folder with its manifest and lists every missing, resized, corrupted or extra file.</summary>
    public static FolderVerification Verify(string folder, ModelManifestInfo manifest, bool checksums, IProgress<FileProgress>? progress = null)
    {
        IEnumerable<string> present = Directory.EnumerateFiles(folder)
            .Select(path => Path.GetFileName(path))
            .Where(name => name != ModelManifest.FileName);
        return FileSetVerifier.Verify(folder, manifest.Files, present, checksums, progress);
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
            throw new EdgeLlmException($"model folder '{folder}' does not match its {ModelManifest.FileName}: {problems} (run 'edgellm verify' or copy the model again)");
        }

        return manifest;
    }
}

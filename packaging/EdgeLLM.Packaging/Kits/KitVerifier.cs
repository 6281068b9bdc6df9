using EdgeLLM.Format.Files;


namespace EdgeLLM.Packaging.Kits;

/// <summary>
/// <c>edgellm verify &lt;kit&gt;</c>: every file under the kit compared with MANIFEST.json (size and XXH3-128);
/// each missing, truncated, corrupted or extra file is named. The native-library cache a binary extracts beside itself
/// (<see cref="KitLayout.IsRuntimeCache"/>) is not the kit's.
/// </summary>
public static class KitVerifier
{
    public static FolderVerification Verify(string kitFolder, KitManifest manifest, IProgress<FileProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        // Walked without following links: a link inside a kit (to /etc, to /etc/shadow) is refused, never read.
        IEnumerable<string> present = RegularFiles.Under(kitFolder, "kit")
            .Select(path => KitLayout.RelativePath(kitFolder, Path.Combine(kitFolder, path)))
            .Where(name => name != KitLayout.ManifestName && !KitLayout.IsRuntimeCache(name));
        return FileSetVerifier.Verify(kitFolder, manifest.Files, present, checksums: true, progress);
    }
}

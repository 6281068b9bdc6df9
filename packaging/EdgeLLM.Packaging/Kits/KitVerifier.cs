using EdgeLLM.Quantize.Conversion;
using EdgeLLM.Quantize.Files;

namespace EdgeLLM.Packaging.Kits;

/// <summary>
/// <c>edgellm verify &lt;kit&gt;</c>: every file under the kit compared with MANIFEST.json (size and XXH3-128);
/// each missing, truncated, corrupted or extra file is named.
/// </summary>
public static class KitVerifier
{
    public static FolderVerification Verify(string kitFolder, KitManifest manifest, IProgress<FileProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        IEnumerable<string> present = Directory.EnumerateFiles(kitFolder, "*", SearchOption.AllDirectories)
            .Select(path => KitLayout.RelativePath(kitFolder, path))
            .Where(name => name != KitLayout.ManifestName);
        return FileSetVerifier.Verify(kitFolder, manifest.Files, present, checksums: true, progress);
    }
}

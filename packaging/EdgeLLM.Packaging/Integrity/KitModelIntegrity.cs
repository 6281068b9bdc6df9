using EdgeLLM.Format.Files;
using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Format;
using EdgeLLM.Packaging.Kits;

namespace EdgeLLM.Packaging.Integrity;

/// <summary>
/// The rule for models that travel in a kit. Sizes are always checked (the runtime does that for every model).
/// A kit's model is <em>fresh</em> on this machine until it has passed a full check here: no stamp in
/// <see cref="VerifiedStamps"/> for its current state. A fresh kit model (or any model with <c>--verify</c>) is
/// hashed in full before it loads, and its edgellm.json must match the kit's MANIFEST.json, so a flipped byte
/// or a truncated copy stops the run before any token is generated.
/// </summary>
public static class KitModelIntegrity
{
    /// <summary>True when the model must be hashed in full before it runs: asked for, or a kit model not yet checked on this machine.</summary>
    public static bool NeedsFullCheck(string modelFolder, bool verifyRequested, VerifiedStamps stamps)
    {
        ArgumentNullException.ThrowIfNull(stamps);
        return verifyRequested || (KitLayout.KitOfModel(modelFolder) is not null && !stamps.Contains(modelFolder));
    }

    /// <summary>
    /// For a model inside a kit: its edgellm.json must be the one MANIFEST.json records (the model's own manifest
    /// checks the rest). Models outside a kit pass. A mismatch is one <see cref="EdgeLlmException"/>.
    /// </summary>
    public static void CheckKitEntry(string modelFolder)
    {
        if (KitLayout.KitOfModel(modelFolder) is not { } kit)
        {
            return;
        }

        string path = KitLayout.RelativePath(kit, Path.Combine(Path.GetFullPath(modelFolder), ModelManifest.FileName));
        OutputFile? entry = KitManifest.Read(kit).Files.FirstOrDefault(file => file.Name == path);
        string actual = FileChecksum.Of(Path.Combine(kit, path));
        if (entry is null || !string.Equals(entry.Checksum, actual, StringComparison.OrdinalIgnoreCase))
        {
            string problem = entry is null ? "is not listed in the kit's MANIFEST.json" : "differs from the kit's MANIFEST.json (checksum)";
            throw new EdgeLlmException($"{path} {problem}: the kit is damaged (run 'edgellm verify {kit}' or copy the kit again)");
        }
    }
}

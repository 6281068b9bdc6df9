using EdgeLLM.Devices.Reports;
using EdgeLLM.Format.Platform;
using EdgeLLM.Packaging.Integrity;
using EdgeLLM.Packaging.Kits;
using EdgeLLM.Runtime.Model;

namespace EdgeLLM.Cli.Commands;

/// <summary>
/// What every verb that runs a model does before loading it: a bare model name is looked up among the models
/// found (the kit's, <c>~/.edgellm/models</c>, …), and a kit's model that is fresh on this machine (or any model
/// with <c>--verify</c>) is hashed in full — a corrupted byte or a truncated copy stops the verb before any token.
/// After a full check passes, a kit model is stamped in the per-user cache so later runs check sizes only.
/// </summary>
internal static class ModelChecks
{
    /// <summary>The model folder for <c>-m</c>: a path as given, or a model's folder name.</summary>
    public static string Resolve(string nameOrPath) => ModelFolders.Resolve(nameOrPath, ModelFolders.SearchPaths(extraDirectory: null));

    /// <summary>Opens the model through <paramref name="open"/> with the checksum check the kit rule asks for.</summary>
    public static T Open<T>(string modelFolder, SessionSettings settings, Func<SessionSettings, T> open)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(open);
        VerifiedStamps stamps = VerifiedStamps.ForCurrentUser();
        bool fullCheck = KitModelIntegrity.NeedsFullCheck(modelFolder, settings.VerifyChecksums, stamps);
        if (fullCheck)
        {
            KitModelIntegrity.CheckKitEntry(modelFolder);
        }

        T opened = open(settings with { VerifyChecksums = fullCheck });
        if (fullCheck && KitLayout.KitOfModel(modelFolder) is not null)
        {
            stamps.Record(modelFolder);
        }

        return opened;
    }
}

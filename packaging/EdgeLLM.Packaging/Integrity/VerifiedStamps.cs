using System.Globalization;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using EdgeLLM.Format.Files;
using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Format.Platform;
using EdgeLLM.Format;

namespace EdgeLLM.Packaging.Integrity;

/// <summary>
/// Which model folders this user has already checked in full on this machine: one small stamp file per
/// (edgellm.json checksum, every listed file's name, size and modification time) under the per-user cache's
/// <c>verified/</c>. A copy, an edit or a truncation changes a size or a time and so the key: the model is
/// fresh again and is hashed in full before it runs. The stick's own path is not part of the key, so the same
/// kit mounted elsewhere is still known.
/// </summary>
public sealed class VerifiedStamps(string cacheFolder)
{
    public const string Format = "edgellm-verified-stamp";

    public const int FormatVersion = 1;

    private string StampFolder { get; } = Path.Combine(cacheFolder, "verified");

    public static VerifiedStamps ForCurrentUser() => new(UserFolders.Cache());

    /// <summary>True when this exact state of the folder was checked in full before.</summary>
    public bool Contains(string modelFolder) => Key(modelFolder) is { } key && File.Exists(StampPath(key));

    /// <summary>Remembers that the folder, as it is now, passed a full check. A read-only cache only means checking again next time.</summary>
    public void Record(string modelFolder)
    {
        if (Key(modelFolder) is not { } key)
        {
            return;
        }

        try
        {
            Directory.CreateDirectory(StampFolder);
            using var stream = new FileStream(StampPath(key), FileMode.Create, FileAccess.Write, FileShare.None);
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            json.WriteStartObject();
            json.WriteString("format", Format);
            json.WriteNumber("format_version", FormatVersion);
            json.WriteString("model", Path.GetFullPath(modelFolder));
            json.WriteString("verified", DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            json.WriteEndObject();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>The folder's state as 32 hex digits, or null when its manifest or a listed file is unreadable (then it is never stamped).</summary>
    internal static string? Key(string modelFolder)
    {
        try
        {
            ModelManifestInfo manifest = ModelManifestReader.Read(modelFolder);
            var hash = new XxHash128();
            hash.Append(Encoding.UTF8.GetBytes(FileChecksum.Of(Path.Combine(modelFolder, ModelManifest.FileName))));
            foreach (OutputFile file in manifest.Files)
            {
                var info = new FileInfo(Path.Combine(modelFolder, file.Name));
                string state = $"\n{file.Name}\t{info.Length}\t{info.LastWriteTimeUtc.Ticks}";
                hash.Append(Encoding.UTF8.GetBytes(state));
            }

            return FileChecksum.Format(hash);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or EdgeLlmException)
        {
            return null;
        }
    }

    private string StampPath(string key) => Path.Combine(StampFolder, key + ".json");
}

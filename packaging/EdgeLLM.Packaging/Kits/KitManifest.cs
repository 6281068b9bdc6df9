using System.Globalization;
using System.Text.Json;
using EdgeLLM.Format.Files;
using EdgeLLM.Format;

namespace EdgeLLM.Packaging.Kits;

/// <summary>
/// <c>MANIFEST.json</c> of a USB kit (format "edgellm-kit", format_version 1): when and by which EdgeLLM it was
/// made, its targets and models, and every other file of the kit with its kit-relative path ('/'), size and XXH3-128.
/// </summary>
public sealed record KitManifest
{
    public const string Format = "edgellm-kit";

    public const int FormatVersion = 1;

    public required DateTimeOffset Created { get; init; }

    public required string ToolVersion { get; init; }

    /// <summary>The runtime identifiers whose binaries the kit carries.</summary>
    public required IReadOnlyList<string> Targets { get; init; }

    /// <summary>The model folder names under <c>models/</c>.</summary>
    public required IReadOnlyList<string> Models { get; init; }

    /// <summary>Every file except MANIFEST.json, by kit-relative path.</summary>
    public required IReadOnlyList<OutputFile> Files { get; init; }

    public void Write(Stream stream)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("format", Format);
        json.WriteNumber("format_version", FormatVersion);
        json.WriteString("created", Created.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        json.WriteStartObject("tool");
        json.WriteString("name", "edgellm");
        json.WriteString("version", ToolVersion);
        json.WriteEndObject();
        WriteNames(json, "targets", Targets);
        WriteNames(json, "models", Models);
        json.WriteStartArray("files");
        foreach (OutputFile file in Files)
        {
            json.WriteStartObject();
            json.WriteString("path", file.Name);
            json.WriteNumber("bytes", file.Bytes);
            json.WriteString(FileChecksum.Algorithm, file.Checksum);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>Reads and validates <c>&lt;kit&gt;/MANIFEST.json</c>; a bad one is one <see cref="EdgeLlmException"/> naming it.</summary>
    public static KitManifest Read(string kitFolder)
        => MessageText.InOneLine(() => ReadUnchecked(kitFolder));

    private static KitManifest ReadUnchecked(string kitFolder)
    {
        string path = Path.Combine(kitFolder, KitLayout.ManifestName);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"'{kitFolder}' has no {KitLayout.ManifestName}: not an EdgeLLM kit (make one with 'edgellm pack')", path);
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path));
            return Parse(document.RootElement, path);
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new EdgeLlmException($"{path}: not a valid kit manifest ({exception.Message.ReplaceLineEndings(" ")})", exception);
        }
    }

    private static KitManifest Parse(JsonElement root, string path)
    {
        if (JsonFields.Required(root, "format", path).GetString() != Format)
        {
            throw new EdgeLlmException($"{path}: 'format' is not \"{Format}\"");
        }

        int version = JsonFields.Required(root, "format_version", path).GetInt32();
        if (version != FormatVersion)
        {
            throw new EdgeLlmException($"{path}: format_version {version} is not supported by this EdgeLLM (it reads {FormatVersion}); use the edgellm inside the kit");
        }

        var files = new List<OutputFile>();
        foreach (JsonElement file in JsonFields.Required(root, "files", path).EnumerateArray())
        {
            string name = JsonFields.Required(file, "path", path).GetString() ?? string.Empty;
            if (!IsSafeRelativePath(name))
            {
                throw new EdgeLlmException(MessageText.OneLine($"{path}: files[{files.Count}].path '{name}' is not a plain kit-relative path"));
            }

            if (files.Any(seen => seen.Name == name))
            {
                throw new EdgeLlmException(MessageText.OneLine($"{path}: files lists '{name}' twice (each file once)"));
            }

            JsonElement bytes = JsonFields.Required(file, "bytes", path);
            if (bytes.ValueKind != JsonValueKind.Number || !bytes.TryGetInt64(out long byteCount) || byteCount < 0)
            {
                throw new EdgeLlmException(MessageText.OneLine($"{path}: files[{files.Count}].bytes of '{name}' is {bytes.GetRawText()}, expected a whole number of bytes from 0 to {long.MaxValue}"));
            }

            files.Add(new OutputFile(name, byteCount, JsonFields.Required(file, FileChecksum.Algorithm, path).GetString() ?? string.Empty));
        }

        return new KitManifest
        {
            Created = DateTimeOffset.Parse(JsonFields.Required(root, "created", path).GetString()!, CultureInfo.InvariantCulture),
            ToolVersion = JsonFields.Required(JsonFields.Required(root, "tool", path), "version", path).GetString() ?? "?",
            Targets = Names(JsonFields.Required(root, "targets", path)),
            Models = Names(JsonFields.Required(root, "models", path)),
            Files = files,
        };
    }

    /// <summary>Relative, '/'-separated, no empty, "." or ".." segments, not MANIFEST.json itself.</summary>
    private static bool IsSafeRelativePath(string name)
        => name.Length > 0 && name != KitLayout.ManifestName && !name.Contains('\\', StringComparison.Ordinal) && !name.Any(char.IsControl) && !Path.IsPathRooted(name)
            && name.Split('/').All(segment => segment.Length > 0 && segment is not "." and not "..");

    private static void WriteNames(Utf8JsonWriter json, string property, IReadOnlyList<string> names)
    {
        json.WriteStartArray(property);
        foreach (string name in names)
        {
            json.WriteStringValue(name);
        }

        json.WriteEndArray();
    }

    private static List<string> Names(JsonElement array) => [.. array.EnumerateArray().Select(item => item.GetString() ?? string.Empty)];
}

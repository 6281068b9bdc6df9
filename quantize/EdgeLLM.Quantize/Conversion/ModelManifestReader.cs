using System.Text.Json;
using EdgeLLM.Quantize.Files;

namespace EdgeLLM.Quantize.Conversion;

/// <summary>Reads and validates <c>edgellm.json</c> (the format <see cref="ModelManifest"/> writes).</summary>
public static class ModelManifestReader
{
    public static ModelManifestInfo Read(string folder)
    {
        try
        {
            return ReadUnchecked(folder);
        }
        catch (InvalidDataException exception) when (!MessageText.IsOneLine(exception.Message))
        {
            throw new InvalidDataException(MessageText.OneLine(exception.Message), exception);
        }
        catch (NotSupportedException exception) when (!MessageText.IsOneLine(exception.Message))
        {
            throw new NotSupportedException(MessageText.OneLine(exception.Message), exception);
        }
    }

    private static ModelManifestInfo ReadUnchecked(string folder)
    {
        string path = Path.Combine(folder, ModelManifest.FileName);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"'{folder}' has no {ModelManifest.FileName}: not an EdgeLLM model folder (convert one with 'edgellm quantize')", path);
        }

        RegularFiles.RefuseLinks(folder, "model folder");

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({exception.Message})", exception);
        }

        using (document)
        {
            try
            {
                return Parse(document.RootElement, path);
            }
            catch (Exception exception) when (exception is KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw new InvalidDataException($"{path}: {exception.Message}", exception);
            }
        }
    }

    private static ModelManifestInfo Parse(JsonElement root, string path)
    {
        int version = JsonFields.Required(root, "format_version", path).GetInt32();
        if (version != ModelManifest.FormatVersion)
        {
            throw new InvalidDataException($"{path}: format_version {version} is not supported by this EdgeLLM (it reads {ModelManifest.FormatVersion}); convert the model again or update EdgeLLM");
        }

        JsonElement model = JsonFields.Required(root, "model", path);
        var files = new List<OutputFile>();
        foreach (JsonElement file in JsonFields.Required(root, "files", path).EnumerateArray())
        {
            string name = JsonFields.Required(file, "name", path).GetString() ?? throw new InvalidDataException($"{path}: a file entry has no name");
            if (name.Length == 0 || name != Path.GetFileName(name) || name is "." or "..")
            {
                throw new InvalidDataException($"{path}: file name '{name}' is not a plain file name");
            }

            files.Add(new OutputFile(name, JsonFields.Required(file, "bytes", path).GetInt64(), JsonFields.Required(file, FileChecksum.Algorithm, path).GetString() ?? string.Empty));
        }

        return new ModelManifestInfo
        {
            FormatVersion = version,
            ToolVersion = root.TryGetProperty("tool", out JsonElement tool) && tool.TryGetProperty("version", out JsonElement toolVersion) ? toolVersion.GetString() ?? "?" : "?",
            Precision = JsonFields.Required(root, "precision", path).GetString() ?? "?",
            Architecture = JsonFields.Required(JsonFields.Required(root, "source", path), "architecture", path).GetString() ?? "?",
            MaxContext = JsonFields.Required(root, "max_context", path).GetInt32(),
            LastPositionLogitsOnly = JsonFields.Required(root, "logits", path).GetString() == "last",
            Target = root.TryGetProperty("target", out JsonElement target) && target.ValueKind == JsonValueKind.String ? target.GetString()! : "cpu",
            LayerCount = JsonFields.Required(model, "layers", path).GetInt32(),
            KvHeadCount = JsonFields.Required(model, "kv_heads", path).GetInt32(),
            HeadDim = JsonFields.Required(model, "head_dim", path).GetInt32(),
            VocabSize = JsonFields.Required(model, "vocab_size", path).GetInt32(),
            WeightBytes = JsonFields.Required(root, "weights_bytes", path).GetInt64(),
            Files = files,
        };
    }
}

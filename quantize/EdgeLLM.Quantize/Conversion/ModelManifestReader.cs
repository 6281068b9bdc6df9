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
        int version = (int)JsonFields.WholeNumber(root, "format_version", path, 0, int.MaxValue);
        if (version != ModelManifest.FormatVersion)
        {
            throw new InvalidDataException($"{path}: format_version {version} is not supported by this EdgeLLM (it reads {ModelManifest.FormatVersion}); convert the model again or update EdgeLLM");
        }

        JsonElement model = JsonFields.Required(root, "model", path);
        var files = new List<OutputFile>();
        foreach (JsonElement file in JsonFields.Required(root, "files", path).EnumerateArray())
        {
            string name = JsonFields.Text(file, "name", path);
            if (name.Length == 0 || name != Path.GetFileName(name) || name is "." or "..")
            {
                throw new InvalidDataException(MessageText.OneLine($"{path}: file name '{name}' is not a plain file name"));
            }

            files.Add(new OutputFile(name, JsonFields.WholeNumber(file, "bytes", path, 0, long.MaxValue), JsonFields.Text(file, FileChecksum.Algorithm, path)));
        }

        return new ModelManifestInfo
        {
            FormatVersion = version,
            ToolVersion = root.TryGetProperty("tool", out JsonElement tool) && tool.TryGetProperty("version", out JsonElement toolVersion) ? toolVersion.GetString() ?? "?" : "?",
            Precision = JsonFields.Text(root, "precision", path),
            Architecture = JsonFields.Text(JsonFields.Required(root, "source", path), "architecture", path),
            MaxContext = (int)JsonFields.WholeNumber(root, "max_context", path, 1, int.MaxValue),
            LastPositionLogitsOnly = JsonFields.Text(root, "logits", path) == "last",
            Target = root.TryGetProperty("target", out JsonElement target) && target.ValueKind == JsonValueKind.String ? target.GetString()! : "cpu",
            LayerCount = (int)JsonFields.WholeNumber(model, "layers", path, 1, 100_000),
            KvHeadCount = (int)JsonFields.WholeNumber(model, "kv_heads", path, 1, 100_000),
            HeadDim = (int)JsonFields.WholeNumber(model, "head_dim", path, 1, 100_000),
            VocabSize = (int)JsonFields.WholeNumber(model, "vocab_size", path, 1, int.MaxValue),
            WeightBytes = JsonFields.WholeNumber(root, "weights_bytes", path, 0, long.MaxValue),
            Files = files,
        };
    }
}

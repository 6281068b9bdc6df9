using System.Text.Json;
using EdgeLLM.Format.Files;

namespace EdgeLLM.Format.ModelFolder;

/// <summary>Reads and validates <c>edgellm.json</c> (the format <see cref="ModelManifest"/> writes).</summary>
public static class ModelManifestReader
{
    /// <summary>Reads and validates <c>folder/edgellm.json</c> (a folder holding a symbolic link is refused).</summary>
    public static ModelManifestInfo Read(string folder) => MessageText.InOneLine(() => ReadUnchecked(folder));

    /// <summary>Validates a manifest's text; <paramref name="path"/> names it in errors.</summary>
    public static ModelManifestInfo Parse(string json, string path) => MessageText.InOneLine(() => ParseUnchecked(System.Text.Encoding.UTF8.GetBytes(json), path));

    private static ModelManifestInfo ReadUnchecked(string folder)
    {
        string path = Path.Combine(folder, ModelManifest.FileName);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"'{folder}' has no {ModelManifest.FileName}: not an EdgeLLM model folder (convert one with 'edgellm quantize')", path);
        }

        RegularFiles.RefuseLinks(folder, "model folder");
        return ParseUnchecked(File.ReadAllBytes(path), path);
    }

    private static ModelManifestInfo ParseUnchecked(ReadOnlyMemory<byte> utf8, string path)
    {
        using JsonDocument document = JsonFile.Parse(utf8, path);
        try
        {
            return ParseRoot(document.RootElement, path);
        }
        catch (Exception exception) when (exception is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new EdgeLlmException($"{path}: {exception.Message}", exception);
        }
    }

    private static ModelManifestInfo ParseRoot(JsonElement root, string path)
    {
        int version = (int)JsonFields.WholeNumber(root, "format_version", path, 0, int.MaxValue);
        if (version != ModelManifest.FormatVersion)
        {
            throw new EdgeLlmException($"{path}: format_version {version} is not supported by this EdgeLLM (it reads {ModelManifest.FormatVersion}); convert the model again or update EdgeLLM");
        }

        JsonElement model = JsonFields.Required(root, "model", path);
        var files = new List<OutputFile>();
        foreach (JsonElement file in JsonFields.Required(root, "files", path).EnumerateArray())
        {
            string name = JsonFields.Text(file, "name", path);
            if (name.Length == 0 || name != Path.GetFileName(name) || name is "." or "..")
            {
                throw new EdgeLlmException(MessageText.OneLine($"{path}: file name '{name}' is not a plain file name"));
            }

            files.Add(new OutputFile(name, JsonFields.WholeNumber(file, "bytes", path, 0, long.MaxValue), JsonFields.Text(file, FileChecksum.Algorithm, path)));
        }

        string precision = JsonFields.Text(root, "precision", path);
        return new ModelManifestInfo
        {
            FormatVersion = version,
            ToolVersion = root.TryGetProperty("tool", out JsonElement tool) && tool.TryGetProperty("version", out JsonElement toolVersion) ? toolVersion.GetString() ?? "?" : "?",
            Precision = precision,
            Weights = ParsePrecision(precision, "precision", path),
            Architecture = JsonFields.Text(JsonFields.Required(root, "source", path), "architecture", path),
            MaxContext = (int)JsonFields.WholeNumber(root, "max_context", path, 1, int.MaxValue),
            LastPositionLogitsOnly = JsonFields.Text(root, "logits", path) == "last",
            Target = root.TryGetProperty("target", out JsonElement target) && target.ValueKind == JsonValueKind.String ? target.GetString()! : "cpu",
            LayerCount = (int)JsonFields.WholeNumber(model, "layers", path, 1, 100_000),
            HiddenSize = (int)JsonFields.WholeNumber(model, "hidden_size", path, 1, int.MaxValue),
            IntermediateSize = (int)JsonFields.WholeNumber(model, "intermediate_size", path, 1, int.MaxValue),
            HeadCount = (int)JsonFields.WholeNumber(model, "heads", path, 1, 100_000),
            KvHeadCount = (int)JsonFields.WholeNumber(model, "kv_heads", path, 1, 100_000),
            HeadDim = (int)JsonFields.WholeNumber(model, "head_dim", path, 1, 100_000),
            VocabSize = (int)JsonFields.WholeNumber(model, "vocab_size", path, 1, int.MaxValue),
            TiedEmbeddings = model.TryGetProperty("tied_embeddings", out JsonElement tied) && tied.ValueKind == JsonValueKind.True,
            Quantization = root.TryGetProperty("quantization", out JsonElement quantization) && quantization.ValueKind == JsonValueKind.Object
                ? ParseQuantization(quantization, path)
                : null,
            WeightBytes = JsonFields.WholeNumber(root, "weights_bytes", path, 0, long.MaxValue),
            Files = files,
        };
    }

    private static ManifestQuantization ParseQuantization(JsonElement quantization, string path)
    {
        string? lmHead = JsonFields.OptionalText(quantization, "lm_head", path);
        string? embeddings = JsonFields.OptionalText(quantization, "embeddings", path);
        return new ManifestQuantization((int)JsonFields.WholeNumber(quantization, "block_size", path, 1, int.MaxValue))
        {
            MlpBlockSize = (int?)JsonFields.OptionalWholeNumber(quantization, "mlp_block_size", path, 1, int.MaxValue),
            LmHead = lmHead is null ? null : ParsePrecision(lmHead, "lm_head", path),
            LmHeadBlockSize = (int?)JsonFields.OptionalWholeNumber(quantization, "lm_head_block_size", path, 1, int.MaxValue),
            Embeddings = embeddings is null or "tied" ? null : ParsePrecision(embeddings, "embeddings", path),
        };
    }

    private static WeightPrecision ParsePrecision(string name, string field, string path)
        => WeightPrecisions.TryParse(name) ?? throw new EdgeLlmException(MessageText.OneLine($"{path}: '{field}' is '{name}' (expected {string.Join(", ", WeightPrecisions.Names)})"));
}

using System.Text.Json;

namespace EdgeLLM.Devices.Planning;

/// <summary>
/// Reads the planner's <see cref="ModelFootprint"/> from a model folder's edgellm.json (written by
/// the converter). Tolerant of layout: each field is looked up under a few spellings, at the top
/// level or one object down ("config", "shape", ...); weight bytes come from "weight_bytes" or the
/// sum of the listed weight files' sizes. A missing field is a one-line error naming the file.
/// </summary>
public static class ModelManifestReader
{
    public const string FileName = "edgellm.json";

    private const int DefaultBlockSize = 32;

    private static readonly string[] WeightFileSuffixes = [".onnx", ".onnx.data", ".data"];

    /// <summary>Reads <c>folder/edgellm.json</c>.</summary>
    public static ModelFootprint Read(string modelFolder)
    {
        ArgumentNullException.ThrowIfNull(modelFolder);
        string path = Path.Combine(modelFolder, FileName);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: model manifest not found (convert the model with 'edgellm quantize' first)", path);
        }

        return Parse(File.ReadAllText(path), path, Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(modelFolder))));
    }

    /// <param name="json">The manifest's text.</param>
    /// <param name="source">Its path, for messages.</param>
    /// <param name="fallbackName">The name to use when the manifest has none (the folder's).</param>
    public static ModelFootprint Parse(string json, string source, string fallbackName)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"{source}: not valid JSON ({exception.Message})", exception);
        }

        using (document)
        {
            var manifest = new ManifestLookup(JsonFields.Parse(document, source));
            return new ModelFootprint(
                manifest.FindTopLevelString("name", "model_name") ?? fallbackName,
                ParsePrecision(manifest.FindString("precision", "weight_precision", "quantization") ?? throw manifest.Missing("precision", "weight_precision"), source),
                manifest.FindInt32("block_size", "quantization_block_size", "group_size") ?? DefaultBlockSize,
                manifest.FindInt64("weight_bytes", "weights_bytes", "total_weight_bytes") ?? SumWeightFiles(manifest),
                manifest.RequireInt32("layers", "layer_count", "num_hidden_layers", "num_layers"),
                manifest.RequireInt32("heads", "head_count", "num_attention_heads", "num_heads"),
                manifest.RequireInt32("kv_heads", "kv_head_count", "num_key_value_heads", "kv_num_heads"),
                manifest.RequireInt32("head_dim", "head_size"),
                manifest.RequireInt32("hidden_size"),
                manifest.RequireInt32("intermediate_size"),
                manifest.RequireInt32("vocab_size"),
                manifest.RequireInt32("max_context", "context_length", "max_position_embeddings"),
                manifest.FindBoolean("tie_word_embeddings", "tied_embeddings") ?? false)
            {
                LmHeadPrecision = manifest.FindString("lm_head") is { } lmHead ? ParsePrecision(lmHead, source) : null,
                EmbeddingPrecision = manifest.FindString("embeddings") is { } embeddings && embeddings != "tied" ? ParsePrecision(embeddings, source) : null,
                LastPositionLogitsOnly = manifest.FindString("logits") == "last",
                MlpBlockSize = manifest.FindInt32("mlp_block_size"),
                LmHeadBlockSize = manifest.FindInt32("lm_head_block_size"),
            };
        }
    }

    private static ModelPrecision ParsePrecision(string precision, string source)
    {
        string lower = precision.ToLowerInvariant();
        return lower switch
        {
            _ when lower.Contains("int4", StringComparison.Ordinal) || lower.StartsWith("q4", StringComparison.Ordinal) => ModelPrecision.Int4,
            _ when lower.Contains("int8", StringComparison.Ordinal) || lower.StartsWith("q8", StringComparison.Ordinal) => ModelPrecision.Int8,
            "fp16" or "float16" => ModelPrecision.Fp16,
            "fp32" or "float32" => ModelPrecision.Fp32,
            _ => throw new InvalidDataException($"{source}: 'precision' is '{precision}' (expected int4, int8, fp16 or fp32)"),
        };
    }

    /// <summary>The sizes of the manifest's weight files ("files": [{ "path", "size" }] or { "name": size }).</summary>
    private static long SumWeightFiles(ManifestLookup manifest)
    {
        JsonElement? files = manifest.FindElement("files", "weight_files", "weights");
        var sizes = new List<(string Name, long Size)>();
        if (files is { ValueKind: JsonValueKind.Array } array)
        {
            foreach (JsonElement file in array.EnumerateArray().Where(item => item.ValueKind == JsonValueKind.Object))
            {
                var fields = new JsonFields(file, manifest.Source);
                string name = fields.OptionalString("path") ?? fields.OptionalString("name") ?? fields.OptionalString("file") ?? string.Empty;
                long? size = fields.OptionalInt64("size") ?? fields.OptionalInt64("bytes") ?? fields.OptionalInt64("size_bytes") ?? fields.OptionalInt64("length");
                sizes.Add((name, size ?? throw new InvalidDataException($"{manifest.Source}: file entry '{name}' has no 'size'")));
            }
        }
        else if (files is { ValueKind: JsonValueKind.Object } map)
        {
            foreach (JsonProperty file in map.EnumerateObject())
            {
                long? size = file.Value.ValueKind == JsonValueKind.Number && file.Value.TryGetInt64(out long direct)
                    ? direct
                    : file.Value.ValueKind == JsonValueKind.Object ? new JsonFields(file.Value, manifest.Source).OptionalInt64("size") : null;
                sizes.Add((file.Name, size ?? throw new InvalidDataException($"{manifest.Source}: file entry '{file.Name}' has no size")));
            }
        }

        if (sizes.Count == 0)
        {
            throw manifest.Missing("weight_bytes", "files");
        }

        List<(string Name, long Size)> weights = [.. sizes.Where(file => WeightFileSuffixes.Any(suffix => file.Name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)))];
        return (weights.Count > 0 ? weights : sizes).Sum(file => file.Size);
    }

    /// <summary>Field lookup over the top level and the objects directly under it.</summary>
    private sealed class ManifestLookup(JsonFields root)
    {
        public string Source => root.Source;

        public JsonElement? FindElement(params string[] names) => Find(names, (scope, name) => (JsonElement?)scope.Element.GetProperty(name));

        public string? FindString(params string[] names) => Find(names, (scope, name) => scope.OptionalString(name));

        /// <summary>A string at the top level only (one level down, "name" is the tool's or a file's).</summary>
        public string? FindTopLevelString(params string[] names)
            => names.Where(root.Has).Select(root.OptionalString).FirstOrDefault();

        public long? FindInt64(params string[] names) => Find(names, (scope, name) => scope.OptionalPositiveInt64(name));

        public int? FindInt32(params string[] names)
            => FindInt64(names) is { } value ? (value <= int.MaxValue ? (int)value : throw new InvalidDataException($"{Source}: '{names[0]}' is too large")) : null;

        public bool? FindBoolean(params string[] names) => Find(names, (scope, name) => scope.OptionalBoolean(name));

        public int RequireInt32(params string[] names) => FindInt32(names) ?? throw Missing(names);

        public InvalidDataException Missing(params string[] names)
            => new($"{Source}: missing '{names[0]}'" + (names.Length > 1 ? $" (also accepted: {string.Join(", ", names[1..])})" : string.Empty));

        private T? Find<T>(string[] names, Func<JsonFields, string, T?> read)
        {
            foreach (JsonFields scope in Scopes())
            {
                foreach (string name in names)
                {
                    if (scope.Has(name))
                    {
                        return read(scope, name);
                    }
                }
            }

            return default;
        }

        private IEnumerable<JsonFields> Scopes()
        {
            yield return root;
            foreach (JsonProperty property in root.Element.EnumerateObject().Where(property => property.Value.ValueKind == JsonValueKind.Object))
            {
                yield return new JsonFields(property.Value, root.Source);
            }
        }
    }
}

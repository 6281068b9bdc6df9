using System.Text.Json;
using EdgeLLM.Format;

namespace EdgeLLM.Quantize.Checkpoints;

/// <summary>
/// <c>model.safetensors.index.json</c> of a sharded checkpoint: which shard file holds each tensor
/// (<c>weight_map</c>) and the total tensor bytes (<c>metadata.total_size</c>, when given).
/// </summary>
public sealed class SafetensorsIndex
{
    public const string FileName = "model.safetensors.index.json";

    private SafetensorsIndex(IReadOnlyDictionary<string, string> weightMap, long? totalSize)
    {
        WeightMap = weightMap;
        TotalSize = totalSize;
    }

    /// <summary>Tensor name → shard file name (relative to the index's folder).</summary>
    public IReadOnlyDictionary<string, string> WeightMap { get; }

    public long? TotalSize { get; }

    /// <summary>The distinct shard file names, in first-mention order.</summary>
    public IReadOnlyList<string> ShardFiles => WeightMap.Values.Distinct(StringComparer.Ordinal).ToArray();

    public static SafetensorsIndex Load(string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException exception)
        {
            throw new EdgeLlmException($"{path}: not valid JSON ({exception.Message.ReplaceLineEndings(" ")})");
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("weight_map", out JsonElement map) || map.ValueKind != JsonValueKind.Object)
            {
                throw new EdgeLlmException($"{path}: missing 'weight_map' object");
            }

            var weightMap = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (JsonProperty entry in map.EnumerateObject())
            {
                string shard = entry.Value.ValueKind == JsonValueKind.String ? entry.Value.GetString()! : string.Empty;
                if (shard.Length == 0 || shard != System.IO.Path.GetFileName(shard))
                {
                    throw new EdgeLlmException($"{path}: tensor '{entry.Name}' maps to {entry.Value.GetRawText()}, not a shard file name in this folder");
                }

                weightMap[entry.Name] = shard;
            }

            long? totalSize = root.TryGetProperty("metadata", out JsonElement metadata) && metadata.ValueKind == JsonValueKind.Object
                && metadata.TryGetProperty("total_size", out JsonElement total) && total.ValueKind == JsonValueKind.Number && total.TryGetInt64(out long size)
                ? size
                : null;
            return new SafetensorsIndex(weightMap, totalSize);
        }
    }
}

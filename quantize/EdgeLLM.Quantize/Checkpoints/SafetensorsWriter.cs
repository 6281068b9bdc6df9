using System.Buffers.Binary;
using System.Text.Json;
using EdgeLLM.Format;

namespace EdgeLLM.Quantize.Checkpoints;

/// <summary>
/// Streams a checkpoint into safetensors files: the header of each file is computed from names,
/// shapes and dtype first, then each tensor is fetched from the source, written, and released, so
/// only one tensor is resident at a time. With a shard limit it writes
/// <c>model-0000i-of-0000n.safetensors</c> plus <c>model.safetensors.index.json</c>, packing tensors
/// in order and starting a new shard when the next tensor would pass the limit (as transformers does).
/// </summary>
public static class SafetensorsWriter
{
    private const int CopyChunkBytes = 8 << 20;

    public static string ShardFileName(int shardNumber, int shardCount) => $"model-{shardNumber:D5}-of-{shardCount:D5}.safetensors";

    /// <summary>Splits the tensors into shards of at most <paramref name="maxShardBytes"/> (one shard when null); offsets are per shard.</summary>
    public static IReadOnlyList<IReadOnlyList<SafetensorsEntry>> PlanShards(IReadOnlyList<(string Name, long[] Shape)> tensors, TensorDType dtype, long? maxShardBytes)
    {
        var shards = new List<IReadOnlyList<SafetensorsEntry>>();
        var current = new List<SafetensorsEntry>();
        long offset = 0;
        foreach ((string name, long[] shape) in tensors)
        {
            long byteCount = checked(SafetensorsEntry.ElementCount(shape) * dtype.ByteSize());
            if (maxShardBytes is long limit && current.Count > 0 && offset + byteCount > limit)
            {
                shards.Add(current);
                current = [];
                offset = 0;
            }

            current.Add(new SafetensorsEntry(name, dtype, shape, offset, offset + byteCount));
            offset += byteCount;
        }

        shards.Add(current);
        return shards;
    }

    /// <summary>
    /// Writes every tensor of <paramref name="tensors"/> from <paramref name="source"/> (which must hold
    /// them in <paramref name="dtype"/>) into <paramref name="folder"/>; returns the files written.
    /// </summary>
    public static IReadOnlyList<string> Write(
        ICheckpoint source, IReadOnlyList<(string Name, long[] Shape)> tensors, TensorDType dtype, string folder, long? maxShardBytes, CancellationToken cancellation)
    {
        IReadOnlyList<IReadOnlyList<SafetensorsEntry>> shards = PlanShards(tensors, dtype, maxShardBytes);
        var written = new List<string>();
        if (shards.Count == 1)
        {
            string path = Path.Combine(folder, CheckpointFolder.SingleFileName);
            WriteFile(source, shards[0], path, cancellation);
            written.Add(path);
            return written;
        }

        var weightMap = new SortedDictionary<string, string>(StringComparer.Ordinal);
        long totalSize = 0;
        for (int shard = 0; shard < shards.Count; shard++)
        {
            string fileName = ShardFileName(shard + 1, shards.Count);
            string path = Path.Combine(folder, fileName);
            WriteFile(source, shards[shard], path, cancellation);
            written.Add(path);
            foreach (SafetensorsEntry entry in shards[shard])
            {
                weightMap[entry.Name] = fileName;
                totalSize += entry.ByteCount;
            }
        }

        string indexPath = Path.Combine(folder, SafetensorsIndex.FileName);
        File.WriteAllBytes(indexPath, IndexJson(weightMap, totalSize));
        written.Add(indexPath);
        return written;
    }

    /// <summary>The safetensors header for these entries: JSON padded with spaces to a multiple of 8 bytes.</summary>
    public static byte[] Header(IReadOnlyList<SafetensorsEntry> entries)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("__metadata__");
            json.WriteString("format", "pt");
            json.WriteEndObject();
            foreach (SafetensorsEntry entry in entries)
            {
                json.WriteStartObject(entry.Name);
                json.WriteString("dtype", entry.DType.SafetensorsName());
                json.WriteStartArray("shape");
                foreach (long dim in entry.Shape)
                {
                    json.WriteNumberValue(dim);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(entry.Begin);
                json.WriteNumberValue(entry.End);
                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        while (buffer.Length % 8 != 0)
        {
            buffer.WriteByte((byte)' ');
        }

        return buffer.ToArray();
    }

    private static void WriteFile(ICheckpoint source, IReadOnlyList<SafetensorsEntry> entries, string path, CancellationToken cancellation)
    {
        byte[] header = Header(entries);
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 20);
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
        stream.Write(prefix);
        stream.Write(header);
        foreach (SafetensorsEntry entry in entries)
        {
            cancellation.ThrowIfCancellationRequested();
            TensorView view = source.GetTensor(entry.Name);
            if (view.DType != entry.DType || !view.Shape.SequenceEqual(entry.Shape))
            {
                throw new EdgeLlmException(
                    $"tensor '{entry.Name}': source holds {view.DType.SafetensorsName()} {SafetensorsEntry.FormatShape(view.Shape)}, header declares {entry.DType.SafetensorsName()} {SafetensorsEntry.FormatShape(entry.Shape)}");
            }

            for (long offset = 0; offset < view.ByteCount; offset += CopyChunkBytes)
            {
                stream.Write(view.GetBytes(offset, (int)Math.Min(CopyChunkBytes, view.ByteCount - offset)));
            }

            source.Release(entry.Name);
        }
    }

    private static byte[] IndexJson(SortedDictionary<string, string> weightMap, long totalSize)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartObject("metadata");
            json.WriteNumber("total_size", totalSize);
            json.WriteEndObject();
            json.WriteStartObject("weight_map");
            foreach ((string name, string file) in weightMap)
            {
                json.WriteString(name, file);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }
}

using System.Text;
using EdgeLLM.Quantize.Gguf;

namespace EdgeLLM.Quantize.Tests.Gguf;

/// <summary>
/// A small GGUF file written byte by byte for the hostile-input tests: a qwen2 header with a few metadata
/// types (strings, arrays, numbers), a tiny gpt2 vocabulary and tensors of several ggml types, with knobs
/// to damage one field (magic, counts, a tensor's type or offset).
/// </summary>
internal sealed record RawGguf
{
    public uint Magic { get; init; } = MappedGgufFile.Magic;

    public uint Version { get; init; } = 3;

    public ulong? TensorCountOverride { get; init; }

    public uint? FirstTensorTypeOverride { get; init; }

    public ulong? LastTensorOffsetOverride { get; init; }

    public string PreTokenizer { get; init; } = "qwen2";

    public byte[] Build()
    {
        (string Name, long[] Dims, GgmlType Type)[] tensors =
        [
            ("token_embd.weight", [32, 8], GgmlType.F16),
            ("output_norm.weight", [32], GgmlType.F32),
            ("blk.0.attn_q.weight", [32, 4], GgmlType.Q8_0),
            ("blk.0.ffn_down.weight", [256, 2], GgmlType.Q4_K),
            ("blk.0.attn_v.weight", [256, 1], GgmlType.Q6_K),
            ("blk.0.ffn_up.weight", [32, 2], GgmlType.Q4_0),
        ];
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream, Encoding.UTF8);
        writer.Write(Magic);
        writer.Write(Version);
        writer.Write(TensorCountOverride ?? (ulong)tensors.Length);
        var keys = new List<Action>
        {
            () => { String(writer, "general.architecture"); writer.Write((uint)GgufValueType.String); String(writer, "qwen2"); },
            () => { String(writer, "qwen2.block_count"); writer.Write((uint)GgufValueType.UInt32); writer.Write(1u); },
            () => { String(writer, "qwen2.embedding_length"); writer.Write((uint)GgufValueType.UInt32); writer.Write(32u); },
            () => { String(writer, "qwen2.feed_forward_length"); writer.Write((uint)GgufValueType.UInt32); writer.Write(64u); },
            () => { String(writer, "qwen2.attention.head_count"); writer.Write((uint)GgufValueType.UInt32); writer.Write(2u); },
            () => { String(writer, "qwen2.rope.freq_base"); writer.Write((uint)GgufValueType.Float32); writer.Write(10000f); },
            () => { String(writer, "tokenizer.ggml.model"); writer.Write((uint)GgufValueType.String); String(writer, "gpt2"); },
            () => { String(writer, "tokenizer.ggml.pre"); writer.Write((uint)GgufValueType.String); String(writer, PreTokenizer); },
            () => { String(writer, "tokenizer.ggml.tokens"); writer.Write((uint)GgufValueType.Array); writer.Write((uint)GgufValueType.String); writer.Write(8ul); foreach (string token in new[] { "a", "b", "c", "ab", "abc", "Ġ", "<|x|>", "[PAD7]" }) { String(writer, token); } },
            () => { String(writer, "tokenizer.ggml.token_type"); writer.Write((uint)GgufValueType.Array); writer.Write((uint)GgufValueType.Int32); writer.Write(8ul); foreach (int type in new[] { 1, 1, 1, 1, 1, 1, 3, 5 }) { writer.Write(type); } },
            () => { String(writer, "tokenizer.ggml.merges"); writer.Write((uint)GgufValueType.Array); writer.Write((uint)GgufValueType.String); writer.Write(2ul); String(writer, "a b"); String(writer, "ab c"); },
            () => { String(writer, "tokenizer.ggml.eos_token_id"); writer.Write((uint)GgufValueType.UInt32); writer.Write(6u); },
            () => { String(writer, "tokenizer.ggml.add_bos_token"); writer.Write((uint)GgufValueType.Bool); writer.Write(false); },
            () => { String(writer, "general.alignment"); writer.Write((uint)GgufValueType.UInt32); writer.Write(32u); },
        };
        writer.Write((ulong)keys.Count);
        keys.ForEach(key => key());
        long offset = 0;
        var offsets = new List<long>();
        for (int i = 0; i < tensors.Length; i++)
        {
            (string name, long[] dims, GgmlType type) = tensors[i];
            String(writer, name);
            writer.Write((uint)dims.Length);
            foreach (long dim in dims)
            {
                writer.Write((ulong)dim);
            }

            writer.Write(i == 0 && FirstTensorTypeOverride is { } typeOverride ? typeOverride : (uint)type);
            writer.Write(i == tensors.Length - 1 && LastTensorOffsetOverride is { } offsetOverride ? offsetOverride : (ulong)offset);
            offsets.Add(offset);
            offset += (type.RowByteCount(dims[0]) * dims.Skip(1).Aggregate(1L, (a, b) => a * b) + 31) / 32 * 32;
        }

        writer.Flush();
        writer.Write(new byte[(32 - (stream.Length % 32)) % 32]);
        var random = new Random(7);
        for (int i = 0; i < tensors.Length; i++)
        {
            (_, long[] dims, GgmlType type) = tensors[i];
            long bytes = type.RowByteCount(dims[0]) * dims.Skip(1).Aggregate(1L, (a, b) => a * b);
            var data = new byte[(bytes + 31) / 32 * 32];
            random.NextBytes(data.AsSpan(0, (int)bytes));
            writer.Write(data);
        }

        writer.Flush();
        return stream.ToArray();
    }

    private static void String(BinaryWriter writer, string value)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        writer.Write((ulong)bytes.Length);
        writer.Write(bytes);
    }
}

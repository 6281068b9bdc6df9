using System.Text;
using EdgeLLM.Quantize.Gguf;

namespace EdgeLLM.Quantize.Tests.Gguf;

/// <summary>One tensor as a GGUF file lists it: type, dimensions (ggml order) and where its bytes are.</summary>
internal sealed record GgufTensorEntry(string Name, GgmlTypeCode Type, long[] Dimensions, long FileOffset);

/// <summary>ggml type codes as read from a file (llama.cpp may write types EdgeLLM does not, such as Q6_K).</summary>
internal readonly record struct GgmlTypeCode(uint Value)
{
    public override string ToString() => Enum.IsDefined((GgmlType)Value) ? ((GgmlType)Value).ToString() : $"ggml type {Value}";
}

/// <summary>
/// A minimal, independent GGUF v3 reader for tests: metadata values (scalars, strings, arrays as lists),
/// tensor infos, and tensor bytes at their aligned offsets.
/// </summary>
internal sealed class GgufFile
{
    private GgufFile(string path, uint version, Dictionary<string, object> metadata, List<string> keys, List<GgufTensorEntry> tensors)
    {
        Path = path;
        Version = version;
        Metadata = metadata;
        Keys = keys;
        Tensors = tensors;
    }

    public string Path { get; }

    public uint Version { get; }

    public IReadOnlyDictionary<string, object> Metadata { get; }

    /// <summary>Metadata keys in file order.</summary>
    public IReadOnlyList<string> Keys { get; }

    public IReadOnlyList<GgufTensorEntry> Tensors { get; }

    public GgufTensorEntry Tensor(string name) => Tensors.Single(tensor => tensor.Name == name);

    public static GgufFile Read(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
        if (reader.ReadUInt32() != GgufWriter.Magic)
        {
            throw new InvalidDataException($"{path}: not a GGUF file");
        }

        uint version = reader.ReadUInt32();
        long tensorCount = (long)reader.ReadUInt64();
        long keyCount = (long)reader.ReadUInt64();
        var metadata = new Dictionary<string, object>(StringComparer.Ordinal);
        var keys = new List<string>();
        for (long i = 0; i < keyCount; i++)
        {
            string key = ReadString(reader);
            metadata[key] = ReadValue(reader, (GgufValueType)reader.ReadUInt32());
            keys.Add(key);
        }

        var infos = new List<(string Name, long[] Dimensions, uint Type, long Offset)>();
        for (long i = 0; i < tensorCount; i++)
        {
            string name = ReadString(reader);
            long[] dimensions = new long[reader.ReadUInt32()];
            for (int d = 0; d < dimensions.Length; d++)
            {
                dimensions[d] = (long)reader.ReadUInt64();
            }

            infos.Add((name, dimensions, reader.ReadUInt32(), (long)reader.ReadUInt64()));
        }

        long alignment = metadata.TryGetValue(GgufWriter.AlignmentKey, out object? value) ? (uint)value : GgufWriter.Alignment;
        long dataStart = (reader.BaseStream.Position + alignment - 1) / alignment * alignment;
        List<GgufTensorEntry> tensors = infos.Select(info => new GgufTensorEntry(info.Name, new GgmlTypeCode(info.Type), info.Dimensions, dataStart + info.Offset)).ToList();
        return new GgufFile(path, version, metadata, keys, tensors);
    }

    /// <summary>The bytes of a tensor of a type EdgeLLM writes.</summary>
    public byte[] ReadBytes(GgufTensorEntry tensor)
    {
        var type = (GgmlType)tensor.Type.Value;
        long byteCount = type.RowByteCount(tensor.Dimensions[0]) * tensor.Dimensions.Skip(1).Aggregate(1L, (product, dimension) => product * dimension);
        using FileStream stream = File.OpenRead(Path);
        stream.Position = tensor.FileOffset;
        var bytes = new byte[byteCount];
        stream.ReadExactly(bytes);
        return bytes;
    }

    private static string ReadString(BinaryReader reader) => Encoding.UTF8.GetString(reader.ReadBytes(checked((int)reader.ReadUInt64())));

    private static object ReadValue(BinaryReader reader, GgufValueType type) => type switch
    {
        GgufValueType.UInt8 => reader.ReadByte(),
        GgufValueType.Int8 => reader.ReadSByte(),
        GgufValueType.UInt16 => reader.ReadUInt16(),
        GgufValueType.Int16 => reader.ReadInt16(),
        GgufValueType.UInt32 => reader.ReadUInt32(),
        GgufValueType.Int32 => reader.ReadInt32(),
        GgufValueType.Float32 => reader.ReadSingle(),
        GgufValueType.Bool => reader.ReadByte() != 0,
        GgufValueType.String => ReadString(reader),
        GgufValueType.UInt64 => reader.ReadUInt64(),
        GgufValueType.Int64 => reader.ReadInt64(),
        GgufValueType.Float64 => reader.ReadDouble(),
        GgufValueType.Array => ReadArray(reader),
        _ => throw new InvalidDataException($"unknown GGUF value type {type}"),
    };

    private static List<object> ReadArray(BinaryReader reader)
    {
        var elementType = (GgufValueType)reader.ReadUInt32();
        long count = (long)reader.ReadUInt64();
        var values = new List<object>(checked((int)count));
        for (long i = 0; i < count; i++)
        {
            values.Add(ReadValue(reader, elementType));
        }

        return values;
    }
}

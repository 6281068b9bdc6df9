using System.Text;

namespace EdgeLLM.Quantize.Gguf;

/// <summary>
/// The typed key/value section of a GGUF file, in insertion order, each entry encoded as it is added
/// (little-endian; strings as a uint64 byte count and UTF-8 bytes). A key may be set once.
/// </summary>
public sealed class GgufMetadata
{
    private readonly List<(string Key, byte[] Encoded)> entries = [];
    private readonly Dictionary<string, GgufValueType> types = new(StringComparer.Ordinal);

    public int Count => entries.Count;

    /// <summary>The keys in the order they are written.</summary>
    public IEnumerable<string> Keys => entries.Select(entry => entry.Key);

    public bool Contains(string key) => types.ContainsKey(key);

    /// <summary>The value type stored under <paramref name="key"/>.</summary>
    public GgufValueType TypeOf(string key) => types[key];

    public void AddString(string key, string value) => Add(key, GgufValueType.String, writer => WriteString(writer, value));

    public void AddUInt32(string key, uint value) => Add(key, GgufValueType.UInt32, writer => writer.Write(value));

    public void AddFloat32(string key, float value) => Add(key, GgufValueType.Float32, writer => writer.Write(value));

    public void AddBool(string key, bool value) => Add(key, GgufValueType.Bool, writer => writer.Write(value));

    public void AddStringArray(string key, IReadOnlyList<string> values) => Add(key, GgufValueType.Array, writer =>
    {
        writer.Write((uint)GgufValueType.String);
        writer.Write((ulong)values.Count);
        foreach (string value in values)
        {
            WriteString(writer, value);
        }
    });

    public void AddInt32Array(string key, IReadOnlyList<int> values) => Add(key, GgufValueType.Array, writer =>
    {
        writer.Write((uint)GgufValueType.Int32);
        writer.Write((ulong)values.Count);
        foreach (int value in values)
        {
            writer.Write(value);
        }
    });

    /// <summary>Writes every entry (key, value type, value) in order.</summary>
    public void WriteTo(BinaryWriter writer)
    {
        foreach ((string key, byte[] encoded) in entries)
        {
            WriteString(writer, key);
            writer.Write(encoded);
        }
    }

    /// <summary>A GGUF string: uint64 byte count, then the UTF-8 bytes (no terminator).</summary>
    public static void WriteString(BinaryWriter writer, string value)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        writer.Write((ulong)bytes.Length);
        writer.Write(bytes);
    }

    private void Add(string key, GgufValueType type, Action<BinaryWriter> writeValue)
    {
        if (!types.TryAdd(key, type))
        {
            throw new InvalidOperationException($"GGUF metadata key '{key}' is set twice");
        }

        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write((uint)type);
            writeValue(writer);
        }

        entries.Add((key, buffer.ToArray()));
    }
}

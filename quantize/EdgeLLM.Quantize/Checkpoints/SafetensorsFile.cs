using System.Buffers.Binary;
using System.Text.Json;
using EdgeLLM.Format.Files;
using EdgeLLM.Format.Platform;
using EdgeLLM.Format;
using EdgeLLM.Quantize.Files;

namespace EdgeLLM.Quantize.Checkpoints;

/// <summary>
/// One <c>.safetensors</c> file, memory-mapped read-only: an 8-byte little-endian header length, a
/// JSON header (<c>__metadata__</c> ignored; each tensor's dtype, shape and data_offsets relative to the
/// byte after the header), then the tensor bytes. Everything is validated before a pointer is
/// exposed; tensors are returned as <see cref="TensorView"/>s over the mapping, never copied.
/// </summary>
public sealed unsafe class SafetensorsFile : IDisposable
{
    private const int LengthPrefixBytes = 8;

    private readonly ReadOnlyFileMapping mapping;
    private readonly byte* dataStart;
    private readonly Dictionary<string, SafetensorsEntry> entries;
    private bool disposed;

    private SafetensorsFile(string path, ReadOnlyFileMapping mapping, long dataOffset, Dictionary<string, SafetensorsEntry> entries, IReadOnlyList<string> names)
    {
        Path = path;
        this.mapping = mapping;
        dataStart = mapping.Start + dataOffset;
        this.entries = entries;
        TensorNames = names;
    }

    public string Path { get; }

    /// <summary>Tensor names in header order.</summary>
    public IReadOnlyList<string> TensorNames { get; }

    public IReadOnlyCollection<SafetensorsEntry> Entries => entries.Values;

    /// <summary>Maps and validates a safetensors file; every inconsistency is an <see cref="EdgeLlmException"/> naming the file.</summary>
    public static SafetensorsFile Open(string path)
        => MessageText.InOneLine(() => OpenUnchecked(path));

    private static SafetensorsFile OpenUnchecked(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: safetensors file not found", path);
        }

        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        long fileLength = stream.Length;
        Dictionary<string, SafetensorsEntry> entries;
        List<string> names;
        long dataOffset;
        try
        {
            (entries, names, dataOffset) = ReadHeader(path, stream, fileLength);
        }
        catch (InvalidOperationException exception)
        {
            // System.Text.Json on a header that is not UTF-8, or a value of the wrong kind.
            stream.Dispose();
            throw new EdgeLlmException($"{path}: the safetensors header is not valid ({exception.Message})", exception);
        }
        catch
        {
            stream.Dispose();
            throw;
        }

        return new SafetensorsFile(path, ReadOnlyFileMapping.Map(stream), dataOffset, entries, names);
    }

    public bool Contains(string name) => entries.ContainsKey(name);

    public SafetensorsEntry GetEntry(string name)
        => entries.TryGetValue(name, out SafetensorsEntry? entry) ? entry : throw new EdgeLlmException($"{Path}: no tensor '{name}'");

    /// <summary>The tensor as a view over the mapping (valid until this file is disposed).</summary>
    public TensorView GetTensor(string name)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        SafetensorsEntry entry = GetEntry(name);
        return new TensorView(name, entry.DType, entry.Shape, dataStart + entry.Begin, entry.ByteCount) { FileBacked = true };
    }

    /// <summary>Drops the tensor's pages from the resident set (Linux madvise; a no-op elsewhere). The view stays valid.</summary>
    public void Release(string name)
    {
        if (!disposed && entries.TryGetValue(name, out SafetensorsEntry? entry))
        {
            MemoryAdvice.DropPages(dataStart + entry.Begin, entry.ByteCount);
        }
    }

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        mapping.Dispose();
    }

    private static (Dictionary<string, SafetensorsEntry> Entries, List<string> Names, long DataOffset) ReadHeader(string path, FileStream stream, long fileLength)
    {
        try
        {
            if (fileLength < LengthPrefixBytes)
            {
                throw new EdgeLlmException($"{path}: {fileLength} bytes is too short for a safetensors file (needs an 8-byte header length)");
            }

            Span<byte> prefix = stackalloc byte[LengthPrefixBytes];
            stream.ReadExactly(prefix);
            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
            if (headerLength == 0 || headerLength > (ulong)(fileLength - LengthPrefixBytes) || headerLength > int.MaxValue)
            {
                throw new EdgeLlmException($"{path}: header length {headerLength} does not fit in the file ({fileLength} bytes): truncated or not a safetensors file");
            }

            byte[] header = new byte[headerLength];
            stream.ReadExactly(header);
            long dataOffset = LengthPrefixBytes + (long)headerLength;
            (Dictionary<string, SafetensorsEntry> entries, List<string> names) = ParseHeader(path, header);
            ValidateLayout(path, entries.Values, fileLength - dataOffset);
            return (entries, names, dataOffset);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static (Dictionary<string, SafetensorsEntry>, List<string>) ParseHeader(string path, byte[] header)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header);
        }
        catch (JsonException exception)
        {
            throw new EdgeLlmException($"{path}: header is not valid JSON ({exception.Message.ReplaceLineEndings(" ")})");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new EdgeLlmException($"{path}: header is not a JSON object");
            }

            var entries = new Dictionary<string, SafetensorsEntry>(StringComparer.Ordinal);
            var names = new List<string>();
            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    continue;
                }

                SafetensorsEntry entry = ParseEntry(path, property.Name, property.Value);
                if (!entries.TryAdd(entry.Name, entry))
                {
                    throw new EdgeLlmException($"{path}: tensor '{entry.Name}' is declared twice");
                }

                names.Add(entry.Name);
            }

            return (entries, names);
        }
    }

    private static SafetensorsEntry ParseEntry(string path, string name, JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new EdgeLlmException($"{path}: tensor '{name}': header entry is not an object");
        }

        string dtypeName = element.TryGetProperty("dtype", out JsonElement dtypeElement) && dtypeElement.ValueKind == JsonValueKind.String
            ? dtypeElement.GetString()!
            : throw new EdgeLlmException($"{path}: tensor '{name}': missing 'dtype'");
        if (!TensorDTypes.TryParseSafetensorsName(dtypeName, out TensorDType dtype))
        {
            throw new EdgeLlmException($"{path}: tensor '{name}' has dtype {dtypeName}; only F32, F16 and BF16 are supported");
        }

        long[] shape = ReadLongs(path, name, element, "shape");
        long[] offsets = ReadLongs(path, name, element, "data_offsets");
        if (offsets.Length != 2 || offsets[1] < offsets[0])
        {
            throw new EdgeLlmException($"{path}: tensor '{name}': data_offsets [{string.Join(", ", offsets)}] is not a [begin, end] pair");
        }

        long elementCount = SafetensorsEntry.ElementCount(shape);
        long byteCount = offsets[1] - offsets[0];
        if (elementCount < 0 || elementCount > long.MaxValue / dtype.ByteSize() || elementCount * dtype.ByteSize() != byteCount)
        {
            throw new EdgeLlmException(
                $"{path}: tensor '{name}': shape {SafetensorsEntry.FormatShape(shape)} of {dtypeName} does not match its {byteCount} bytes at data_offsets [{offsets[0]}, {offsets[1]})");
        }

        return new SafetensorsEntry(name, dtype, shape, offsets[0], offsets[1]);
    }

    private static long[] ReadLongs(string path, string name, JsonElement element, string property)
    {
        if (!element.TryGetProperty(property, out JsonElement array) || array.ValueKind != JsonValueKind.Array)
        {
            throw new EdgeLlmException($"{path}: tensor '{name}': missing '{property}' array");
        }

        var values = new long[array.GetArrayLength()];
        int index = 0;
        foreach (JsonElement item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long value) || value < 0)
            {
                throw new EdgeLlmException($"{path}: tensor '{name}': '{property}' holds {item.GetRawText()}, not a non-negative integer");
            }

            values[index++] = value;
        }

        return values;
    }

    private static void ValidateLayout(string path, IEnumerable<SafetensorsEntry> entries, long dataLength)
    {
        SafetensorsEntry? previous = null;
        foreach (SafetensorsEntry entry in entries.OrderBy(entry => entry.Begin).ThenBy(entry => entry.End))
        {
            if (entry.End > dataLength)
            {
                throw new EdgeLlmException(
                    $"{path}: tensor '{entry.Name}': data_offsets [{entry.Begin}, {entry.End}) run past the {dataLength} data bytes in the file (truncated or out of bounds)");
            }

            if (previous is not null && entry.Begin < previous.End && entry.ByteCount > 0)
            {
                throw new EdgeLlmException(
                    $"{path}: tensor '{entry.Name}': data_offsets [{entry.Begin}, {entry.End}) overlap tensor '{previous.Name}' at [{previous.Begin}, {previous.End})");
            }

            if (entry.ByteCount > 0)
            {
                previous = entry;
            }
        }
    }
}

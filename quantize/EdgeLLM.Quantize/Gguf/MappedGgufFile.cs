using System.Globalization;
using EdgeLLM.Format.Platform;
using EdgeLLM.Format;
using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Quantize.Files;

namespace EdgeLLM.Quantize.Gguf;

/// <summary>
/// A GGUF file (v2 or v3, little-endian), memory-mapped read-only and fully validated on open: magic,
/// version, every count, string length and value type, the alignment, and each tensor's dimensions,
/// type, offset (aligned, inside the data section) and extent (inside the file, no overlap). Every
/// problem is one <see cref="EdgeLlmException"/> line naming the file and the field. Tensor bytes
/// are exposed as spans over the mapping, never copied.
/// </summary>
public sealed unsafe class MappedGgufFile : IDisposable
{
    /// <summary>"GGUF" read as a little-endian uint32.</summary>
    public const uint Magic = 0x46554747;

    /// <summary>The alignment when general.alignment is absent (GGUF_DEFAULT_ALIGNMENT).</summary>
    public const int DefaultAlignment = 32;

    /// <summary>ggml's GGML_MAX_DIMS.</summary>
    public const int MaxDimensions = 4;

    private const int MaxArrayDepth = 1;

    private readonly ReadOnlyFileMapping mapping;
    private readonly byte* basePointer;
    private readonly Dictionary<string, GgufValue> metadata;
    private readonly Dictionary<string, GgufTensorInfo> tensorsByName;
    private bool disposed;

    private MappedGgufFile(string path, long length, ReadOnlyFileMapping mapping)
    {
        Path = path;
        Length = length;
        this.mapping = mapping;
        basePointer = mapping.Start;
        metadata = new Dictionary<string, GgufValue>(StringComparer.Ordinal);
        tensorsByName = new Dictionary<string, GgufTensorInfo>(StringComparer.Ordinal);
    }

    public string Path { get; }

    public long Length { get; }

    public uint Version { get; private set; }

    public int Alignment { get; private set; } = DefaultAlignment;

    /// <summary>Where the tensor data section starts (aligned).</summary>
    public long DataOffset { get; private set; }

    public IReadOnlyDictionary<string, GgufValue> Metadata => metadata;

    /// <summary>The tensors in file order.</summary>
    public IReadOnlyList<GgufTensorInfo> Tensors { get; private set; } = [];

    /// <summary>Whether the first four bytes of <paramref name="path"/> are the GGUF magic.</summary>
    public static bool HasMagic(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        using FileStream stream = File.OpenRead(path);
        Span<byte> magic = stackalloc byte[4];
        return stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false) == 4 && BitConverter.ToUInt32(magic) == Magic;
    }

    public static MappedGgufFile Open(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: GGUF file not found", path);
        }

        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        long length = stream.Length;
        if (length < 24)
        {
            stream.Dispose();
            throw new EdgeLlmException($"{path}: {length} bytes is too short for a GGUF file (magic, version and counts need 24)");
        }

        var file = new MappedGgufFile(path, length, ReadOnlyFileMapping.Map(stream));
        try
        {
            file.Parse();
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public bool Contains(string tensorName) => tensorsByName.ContainsKey(tensorName);

    public GgufTensorInfo Tensor(string name)
        => tensorsByName.TryGetValue(name, out GgufTensorInfo? tensor) ? tensor : throw new EdgeLlmException($"{Path}: no tensor '{name}'");

    public GgufValue? Find(string key) => metadata.GetValueOrDefault(key);

    /// <summary>The tensor's stored bytes (valid until this file is disposed).</summary>
    public ReadOnlySpan<byte> Bytes(GgufTensorInfo tensor)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        return new ReadOnlySpan<byte>(basePointer + tensor.FileOffset, checked((int)tensor.ByteCount));
    }

    /// <summary>A pointer to the tensor's first byte (valid until this file is disposed).</summary>
    internal byte* Pointer(GgufTensorInfo tensor)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        return basePointer + tensor.FileOffset;
    }

    /// <summary>Drops the tensor's pages from the resident set (a hint).</summary>
    public void Release(GgufTensorInfo tensor)
    {
        if (!disposed)
        {
            MemoryAdvice.DropPages(basePointer + tensor.FileOffset, tensor.ByteCount);
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

    private void Parse()
    {
        var cursor = new GgufHeaderCursor(basePointer, Length, Path);
        uint magic = cursor.UInt32("magic");
        if (magic != Magic)
        {
            throw cursor.Error(magic == 0x47475546
                ? "big-endian GGUF files are not supported"
                : $"bad magic 0x{magic:X8}: not a GGUF file (expected \"GGUF\")");
        }

        Version = cursor.UInt32("version");
        if (Version is not (2 or 3))
        {
            throw cursor.Error($"GGUF version {Version} is not supported (2 and 3 are)");
        }

        // A tensor info takes at least 8 (name length) + 4 (dims) + 8 (one dim) + 4 (type) + 8 (offset) bytes;
        // a key/value at least 8 (key length) + 4 (type) + 1 byte.
        long tensorCount = cursor.Count("tensor_count", 32);
        long keyCount = cursor.Count("metadata_kv_count", 13);
        for (long i = 0; i < keyCount; i++)
        {
            string key = cursor.String($"metadata key #{i}");
            if (metadata.ContainsKey(key))
            {
                throw cursor.Error($"metadata key '{key}' appears twice");
            }

            var type = (GgufValueType)cursor.UInt32($"type of '{key}'");
            metadata[key] = ReadValue(ref cursor, key, type, depth: 0);
        }

        if (metadata.TryGetValue("general.alignment", out GgufValue? alignment))
        {
            if (alignment.Type != GgufValueType.UInt32 || alignment.Value is not ulong value || value == 0 || (value & (value - 1)) != 0 || value > 1 << 20)
            {
                throw cursor.Error($"general.alignment must be a uint32 power of two up to 1 MiB, got {alignment.Type} {alignment}");
            }

            Alignment = (int)value;
        }

        var infos = new List<(string Name, long[] Dimensions, GgmlType Type, ulong Offset)>((int)Math.Min(tensorCount, 1 << 16));
        for (long i = 0; i < tensorCount; i++)
        {
            string name = cursor.String($"tensor #{i} name");
            uint dimensionCount = cursor.UInt32($"tensor '{name}' n_dims");
            if (dimensionCount is 0 or > MaxDimensions)
            {
                throw cursor.Error($"tensor '{name}' n_dims {dimensionCount} is outside 1..{MaxDimensions}");
            }

            var dimensions = new long[dimensionCount];
            long elements = 1;
            for (int d = 0; d < dimensionCount; d++)
            {
                ulong dimension = cursor.UInt64($"tensor '{name}' ne[{d}]");
                if (dimension == 0 || dimension > long.MaxValue / (ulong)elements)
                {
                    throw cursor.Error($"tensor '{name}' ne[{d}] = {dimension} is zero or makes the element count overflow");
                }

                dimensions[d] = (long)dimension;
                elements *= (long)dimension;
            }

            uint typeValue = cursor.UInt32($"tensor '{name}' type");
            if (!GgmlTypes.IsKnown(typeValue))
            {
                throw cursor.Error($"tensor '{name}' has ggml type {typeValue}, which EdgeLLM cannot read (supported: {string.Join(", ", Enum.GetNames<GgmlType>())})");
            }

            ulong offset = cursor.UInt64($"tensor '{name}' offset");
            infos.Add((name, dimensions, (GgmlType)typeValue, offset));
        }

        cursor.Align(Alignment, "tensor data section");
        DataOffset = cursor.Position;
        long dataLength = Length - DataOffset;
        var tensors = new List<GgufTensorInfo>(infos.Count);
        foreach ((string name, long[] dimensions, GgmlType type, ulong offset) in infos)
        {
            int blockLength = type.BlockLength();
            if (dimensions[0] % blockLength != 0)
            {
                throw cursor.Error($"tensor '{name}' rows of {dimensions[0]} elements are not whole {type} blocks of {blockLength}");
            }

            long elements = dimensions.Aggregate(1L, (product, dimension) => product * dimension);
            long blocks = elements / blockLength;
            if (blocks > dataLength / type.BlockByteCount())
            {
                throw cursor.Error($"tensor '{name}' ({type}, {FormatDimensions(dimensions)}) needs more bytes than the data section holds ({dataLength})");
            }

            long byteCount = blocks * type.BlockByteCount();
            if (offset % (ulong)Alignment != 0)
            {
                throw cursor.Error($"tensor '{name}' offset {offset} is not a multiple of the alignment {Alignment}");
            }

            if (offset > (ulong)dataLength || (ulong)byteCount > (ulong)dataLength - offset)
            {
                throw cursor.Error($"tensor '{name}' bytes [{offset}, {offset + (ulong)byteCount}) run past the end of the data section ({dataLength} bytes): truncated or damaged file");
            }

            if (byteCount > int.MaxValue)
            {
                throw cursor.Error($"tensor '{name}' of {byteCount} bytes is larger than EdgeLLM reads in one tensor (2 GiB)");
            }

            var tensor = new GgufTensorInfo(name, dimensions, type, DataOffset + (long)offset, byteCount);
            if (!tensorsByName.TryAdd(name, tensor))
            {
                throw cursor.Error($"tensor '{name}' appears twice");
            }

            tensors.Add(tensor);
        }

        GgufTensorInfo? previous = null;
        foreach (GgufTensorInfo tensor in tensors.OrderBy(tensor => tensor.FileOffset))
        {
            if (previous is not null && previous.FileOffset + previous.ByteCount > tensor.FileOffset)
            {
                throw cursor.Error($"tensors '{previous.Name}' and '{tensor.Name}' overlap");
            }

            previous = tensor;
        }

        Tensors = tensors;
    }

    private static GgufValue ReadValue(ref GgufHeaderCursor cursor, string key, GgufValueType type, int depth)
    {
        switch (type)
        {
            case GgufValueType.UInt8: return new GgufValue(key, type, null, (ulong)cursor.Take(1, key)[0]);
            case GgufValueType.Int8: return new GgufValue(key, type, null, (long)(sbyte)cursor.Take(1, key)[0]);
            case GgufValueType.UInt16: return new GgufValue(key, type, null, (ulong)BitConverter.ToUInt16(cursor.Take(2, key)));
            case GgufValueType.Int16: return new GgufValue(key, type, null, (long)BitConverter.ToInt16(cursor.Take(2, key)));
            case GgufValueType.UInt32: return new GgufValue(key, type, null, (ulong)cursor.UInt32(key));
            case GgufValueType.Int32: return new GgufValue(key, type, null, (long)(int)cursor.UInt32(key));
            case GgufValueType.UInt64: return new GgufValue(key, type, null, cursor.UInt64(key));
            case GgufValueType.Int64: return new GgufValue(key, type, null, (long)cursor.UInt64(key));
            case GgufValueType.Float32: return new GgufValue(key, type, null, (double)BitConverter.ToSingle(cursor.Take(4, key)));
            case GgufValueType.Float64: return new GgufValue(key, type, null, BitConverter.ToDouble(cursor.Take(8, key)));
            case GgufValueType.Bool:
                byte flag = cursor.Take(1, key)[0];
                return flag <= 1 ? new GgufValue(key, type, null, flag == 1) : throw cursor.Error($"'{key}' is a bool of value {flag} (must be 0 or 1)");
            case GgufValueType.String: return new GgufValue(key, type, null, cursor.String($"'{key}'"));
            case GgufValueType.Array:
                if (depth >= MaxArrayDepth)
                {
                    throw cursor.Error($"'{key}' is an array of arrays, which EdgeLLM does not read");
                }

                return ReadArray(ref cursor, key);
            default:
                throw cursor.Error($"'{key}' has unknown value type {(uint)type}");
        }
    }

    private static GgufValue ReadArray(ref GgufHeaderCursor cursor, string key)
    {
        var elementType = (GgufValueType)cursor.UInt32($"element type of '{key}'");
        int elementBytes = elementType switch
        {
            GgufValueType.UInt8 or GgufValueType.Int8 or GgufValueType.Bool => 1,
            GgufValueType.UInt16 or GgufValueType.Int16 => 2,
            GgufValueType.UInt32 or GgufValueType.Int32 or GgufValueType.Float32 => 4,
            GgufValueType.UInt64 or GgufValueType.Int64 or GgufValueType.Float64 or GgufValueType.String => 8,
            GgufValueType.Array => throw cursor.Error($"'{key}' is an array of arrays, which EdgeLLM does not read"),
            _ => throw cursor.Error($"'{key}' is an array of unknown value type {(uint)elementType}"),
        };
        int count = checked((int)Math.Min(cursor.Count($"'{key}' element count", elementBytes), int.MaxValue));
        switch (elementType)
        {
            case GgufValueType.String:
                var strings = new string[count];
                for (int i = 0; i < count; i++)
                {
                    strings[i] = cursor.String($"'{key}'[{i}]");
                }

                return new GgufValue(key, GgufValueType.Array, elementType, strings);
            case GgufValueType.Float32 or GgufValueType.Float64:
                var reals = new double[count];
                for (int i = 0; i < count; i++)
                {
                    reals[i] = ReadValue(ref cursor, key, elementType, 1).AsDouble();
                }

                return new GgufValue(key, GgufValueType.Array, elementType, reals);
            case GgufValueType.Bool:
                var flags = new bool[count];
                for (int i = 0; i < count; i++)
                {
                    flags[i] = ReadValue(ref cursor, key, elementType, 1).AsBool();
                }

                return new GgufValue(key, GgufValueType.Array, elementType, flags);
            default:
                var integers = new long[count];
                for (int i = 0; i < count; i++)
                {
                    object value = ReadValue(ref cursor, key, elementType, 1).Value;
                    integers[i] = value is ulong unsigned ? unchecked((long)unsigned) : (long)value;
                }

                return new GgufValue(key, GgufValueType.Array, elementType, integers);
        }
    }

    private static string FormatDimensions(long[] dimensions)
        => $"[{string.Join(", ", dimensions.Select(dimension => dimension.ToString(CultureInfo.InvariantCulture)))}]";
}

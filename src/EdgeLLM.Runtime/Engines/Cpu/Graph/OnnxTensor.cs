namespace EdgeLLM.Runtime.Engines.Cpu.Graph;

/// <summary>ONNX TensorProto.DataType values the engine reads.</summary>
internal enum OnnxDataType
{
    Float = 1,
    Uint8 = 2,
    Int8 = 3,
    Int32 = 6,
    Int64 = 7,
    Float16 = 10,
}

/// <summary>
/// One initializer of the graph: name, element type, dims, and where its bytes are: in the external data
/// file (<see cref="Location"/>, <see cref="Offset"/>, <see cref="Length"/>) or inline (<see cref="InlineData"/>).
/// </summary>
internal sealed class OnnxTensor
{
    public required string Name { get; init; }

    public required int DataType { get; init; }

    public required long[] Dims { get; init; }

    public string? Location { get; init; }

    public long Offset { get; init; }

    /// <summary>Bytes in the external file; -1 when the entry was absent.</summary>
    public long Length { get; init; } = -1;

    public byte[]? InlineData { get; init; }

    public bool IsExternal => Location is not null;

    public long ElementCount
    {
        get
        {
            long count = 1;
            foreach (long dim in Dims)
            {
                count = checked(count * dim);
            }

            return count;
        }
    }

    public static int ElementSize(int dataType) => (OnnxDataType)dataType switch
    {
        OnnxDataType.Float or OnnxDataType.Int32 => 4,
        OnnxDataType.Float16 => 2,
        OnnxDataType.Int64 => 8,
        OnnxDataType.Uint8 or OnnxDataType.Int8 => 1,
        _ => 0,
    };

    public string Describe() => $"'{Name}' [{string.Join(", ", Dims)}]";
}

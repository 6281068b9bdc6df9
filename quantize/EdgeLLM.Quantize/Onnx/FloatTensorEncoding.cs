using System.Runtime.InteropServices;
using DataType = EdgeLLM.Quantize.Onnx.Proto.TensorProto.Types.DataType;

namespace EdgeLLM.Quantize.Onnx;

/// <summary>Writes fp32 values into the external data file as fp32 or fp16 elements.</summary>
internal static class FloatTensorEncoding
{
    private const int ChunkElements = 1 << 14;

    /// <summary>Appends <paramref name="values"/> stored as <paramref name="type"/> (Float or Float16).</summary>
    public static void Write(ExternalDataWriter writer, ReadOnlySpan<float> values, DataType type)
    {
        switch (type)
        {
            case DataType.Float:
                writer.Write(MemoryMarshal.AsBytes(values));
                break;
            case DataType.Float16:
                Span<Half> halves = stackalloc Half[ChunkElements];
                for (int start = 0; start < values.Length; start += ChunkElements)
                {
                    ReadOnlySpan<float> chunk = values.Slice(start, Math.Min(ChunkElements, values.Length - start));
                    for (int i = 0; i < chunk.Length; i++)
                    {
                        halves[i] = (Half)chunk[i];
                    }

                    writer.Write(MemoryMarshal.AsBytes(halves[..chunk.Length]));
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "float tensors are stored as Float or Float16");
        }
    }
}

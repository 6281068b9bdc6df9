using System.Buffers.Binary;
using System.Runtime.InteropServices;
using EdgeLLM.Format.Platform;
using EdgeLLM.Format;

namespace EdgeLLM.Quantize.Checkpoints;

/// <summary>
/// One tensor of a checkpoint as a read-only view over memory its owner keeps alive (a memory-mapped
/// safetensors file, or a buffer a synthetic source generated). Never copies the tensor whole:
/// callers read byte ranges or convert element ranges to fp32 into a buffer of their own.
/// Valid until its owner is disposed.
/// </summary>
public sealed unsafe class TensorView
{
    private readonly byte* data;
    private readonly ITensorDecoder? decoder;

    /// <summary>
    /// A view whose elements a <paramref name="decoder"/> produces (block-quantized storage): it reads as
    /// fp32 (<see cref="DType"/> F32); <see cref="GetBytes"/> is not available on it.
    /// </summary>
    public TensorView(string name, long[] shape, long storedByteCount, ITensorDecoder decoder)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        Name = name;
        DType = TensorDType.F32;
        Shape = shape;
        ElementCount = shape.Aggregate(1L, (product, dim) => checked(product * dim));
        ByteCount = storedByteCount;
        this.decoder = decoder;
    }

    public TensorView(string name, TensorDType dtype, long[] shape, byte* data, long byteCount)
    {
        long elementCount = 1;
        foreach (long dim in shape)
        {
            elementCount *= dim;
        }

        if (elementCount * dtype.ByteSize() != byteCount)
        {
            throw new EdgeLlmException(
                $"tensor '{name}': shape [{string.Join(", ", shape)}] of {dtype.SafetensorsName()} needs {elementCount * dtype.ByteSize()} bytes but {byteCount} are stored");
        }

        Name = name;
        DType = dtype;
        Shape = shape;
        ElementCount = elementCount;
        ByteCount = byteCount;
        this.data = data;
    }

    public string Name { get; }

    public TensorDType DType { get; }

    /// <summary>Dimensions, outermost first (Hugging Face Linear weights are [out_features, in_features]).</summary>
    public IReadOnlyList<long> Shape { get; }

    public long ElementCount { get; }

    public long ByteCount { get; }

    /// <summary>The decoder of a block-quantized view, or null for plain F32/F16/BF16 storage.</summary>
    public ITensorDecoder? Decoder => decoder;

    /// <summary>Rows of a 2-D tensor (Shape[0]); for 1-D tensors, 1.</summary>
    public long RowCount => Shape.Count >= 2 ? Shape[0] : 1;

    /// <summary>Elements per row (product of all dimensions after the first); for 1-D tensors, the length.</summary>
    public long RowLength => Shape.Count >= 2 ? ElementCount / Shape[0] : ElementCount;

    /// <summary>The stored bytes from <paramref name="byteOffset"/>, <paramref name="byteCount"/> long.</summary>
    public ReadOnlySpan<byte> GetBytes(long byteOffset, int byteCount)
    {
        if (decoder is not null)
        {
            throw new InvalidOperationException($"tensor '{Name}' is stored as {decoder.StorageName} blocks: read it as floats");
        }

        if (byteOffset < 0 || byteCount < 0 || byteOffset + byteCount > ByteCount)
        {
            throw new ArgumentOutOfRangeException(nameof(byteOffset), $"bytes [{byteOffset}, {byteOffset + byteCount}) outside tensor '{Name}' of {ByteCount} bytes");
        }

        return new ReadOnlySpan<byte>(data + byteOffset, byteCount);
    }

    /// <summary>Converts elements [elementOffset, elementOffset + destination.Length) to fp32.</summary>
    public void ReadFloats(long elementOffset, Span<float> destination)
    {
        if (decoder is not null)
        {
            if (elementOffset < 0 || elementOffset + destination.Length > ElementCount)
            {
                throw new ArgumentOutOfRangeException(nameof(elementOffset), $"elements [{elementOffset}, {elementOffset + destination.Length}) outside tensor '{Name}' of {ElementCount}");
            }

            decoder.Decode(elementOffset, destination);
            return;
        }

        int elementSize = DType.ByteSize();
        ReadOnlySpan<byte> source = GetBytes(elementOffset * elementSize, checked(destination.Length * elementSize));
        switch (DType)
        {
            case TensorDType.F32:
                MemoryMarshal.Cast<byte, float>(source).CopyTo(destination);
                break;
            case TensorDType.F16:
                ReadOnlySpan<Half> halves = MemoryMarshal.Cast<byte, Half>(source);
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = (float)halves[i];
                }

                break;
            case TensorDType.BF16:
                ReadOnlySpan<ushort> bits = MemoryMarshal.Cast<byte, ushort>(source);
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = BitConverter.Int32BitsToSingle(bits[i] << 16);
                }

                break;
            default:
                throw new EdgeLlmException($"tensor '{Name}': unsupported dtype {DType}");
        }
    }

    /// <summary>Converts rows [firstRow, firstRow + rowCount) to fp32 (destination holds rowCount * RowLength).</summary>
    public void ReadRows(long firstRow, int rowCount, Span<float> destination)
        => ReadFloats(firstRow * RowLength, destination[..checked((int)(rowCount * RowLength))]);

    /// <summary>
    /// True when the bytes are a read-only file mapping (a safetensors file): then <see cref="ReleaseRows"/>
    /// may drop their pages, which the kernel reads back from the file if they are touched again.
    /// </summary>
    public bool FileBacked { get; init; }

    /// <summary>
    /// Drops the pages of rows [firstRow, firstRow + rowCount) from the resident set once a streaming reader
    /// is done with them, so reading a 1 GB embedding or lm_head row block by row block never holds it all
    /// resident. Does nothing for memory that is not a file mapping (dropping it would lose the data).
    /// </summary>
    public void ReleaseRows(long firstRow, long rowCount)
    {
        if (FileBacked && rowCount > 0)
        {
            long rowBytes = RowLength * DType.ByteSize();
            MemoryAdvice.DropPages(data + (firstRow * rowBytes), rowCount * rowBytes);
        }
    }

    /// <summary>Copies the whole tensor as fp32 into a new array. For small tensors (norms, biases) only.</summary>
    public float[] ToFloatArray()
    {
        var result = new float[checked((int)ElementCount)];
        ReadFloats(0, result);
        return result;
    }
}

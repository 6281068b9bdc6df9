using System.Buffers.Binary;
using System.Text;
using EdgeLLM.Format;

namespace EdgeLLM.Runtime.Engines.Cpu.Graph;

/// <summary>
/// A forward reader of protobuf wire format (varint, fixed32/64, length-delimited), just enough for the
/// ONNX messages <see cref="OnnxModelFile"/> reads. Malformed input throws <see cref="EdgeLlmException"/>.
/// </summary>
internal ref struct ProtoReader
{
    private readonly ReadOnlySpan<byte> data;
    private int offset;

    public ProtoReader(ReadOnlySpan<byte> data)
    {
        this.data = data;
        offset = 0;
    }

    /// <summary>Reads the next field's tag; false at the end of the message.</summary>
    public bool Next(out int field, out int wireType)
    {
        if (offset >= data.Length)
        {
            field = 0;
            wireType = 0;
            return false;
        }

        ulong tag = ReadVarint();
        field = (int)(tag >> 3);
        wireType = (int)(tag & 7);
        if (field <= 0)
        {
            throw Malformed("a field number of 0");
        }

        return true;
    }

    public ulong ReadVarint()
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (offset >= data.Length)
            {
                throw Malformed("a truncated varint");
            }

            byte b = data[offset++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw Malformed("a varint longer than 10 bytes");
    }

    public long ReadInt64() => (long)ReadVarint();

    public float ReadFixed32Float()
    {
        if (offset + 4 > data.Length)
        {
            throw Malformed("a truncated fixed32");
        }

        float value = BinaryPrimitives.ReadSingleLittleEndian(data.Slice(offset, 4));
        offset += 4;
        return value;
    }

    public ReadOnlySpan<byte> ReadBytes()
    {
        ulong length = ReadVarint();
        if (length > (ulong)(data.Length - offset))
        {
            throw Malformed("a length past the end of its message");
        }

        ReadOnlySpan<byte> bytes = data.Slice(offset, (int)length);
        offset += (int)length;
        return bytes;
    }

    public string ReadString() => Encoding.UTF8.GetString(ReadBytes());

    /// <summary>Reads a repeated int64 field, packed (wire type 2) or one value (wire type 0), into <paramref name="values"/>.</summary>
    public void ReadInt64s(int wireType, List<long> values)
    {
        if (wireType == 0)
        {
            values.Add(ReadInt64());
            return;
        }

        var packed = new ProtoReader(ReadBytes());
        while (packed.offset < packed.data.Length)
        {
            values.Add(packed.ReadInt64());
        }
    }

    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case 0:
                ReadVarint();
                break;
            case 1:
                Advance(8);
                break;
            case 2:
                ReadBytes();
                break;
            case 5:
                Advance(4);
                break;
            default:
                throw Malformed($"wire type {wireType}");
        }
    }

    private void Advance(int count)
    {
        if (offset + count > data.Length)
        {
            throw Malformed("a truncated fixed-size field");
        }

        offset += count;
    }

    private static EdgeLlmException Malformed(string what) => new($"model.onnx is not a valid ONNX protobuf ({what})");
}

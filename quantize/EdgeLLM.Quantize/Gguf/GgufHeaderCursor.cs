using System.Buffers.Binary;
using System.Text;
using EdgeLLM.Format;

namespace EdgeLLM.Quantize.Gguf;

/// <summary>
/// Reads a GGUF header from mapped bytes: every read is checked against the bytes left, every count
/// against what those bytes could hold, before anything is allocated. Errors name the file and the field.
/// </summary>
internal unsafe ref struct GgufHeaderCursor
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly byte* start;
    private readonly long length;
    private readonly string path;

    public GgufHeaderCursor(byte* start, long length, string path)
    {
        this.start = start;
        this.length = length;
        this.path = path;
    }

    public long Position { get; private set; }

    public readonly long Remaining => length - Position;

    public EdgeLlmException Error(string message) => new($"{path}: {message}");

    public uint UInt32(string field) => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, field));

    public ulong UInt64(string field) => BinaryPrimitives.ReadUInt64LittleEndian(Take(8, field));

    /// <summary>A count of items each at least <paramref name="minimumItemBytes"/> long: larger than the bytes left is an error.</summary>
    public long Count(string field, long minimumItemBytes)
    {
        ulong count = UInt64(field);
        if (count > (ulong)(Remaining / Math.Max(1, minimumItemBytes)))
        {
            throw Error($"{field} {count} cannot fit in the {Remaining} bytes left (truncated or damaged file)");
        }

        return (long)count;
    }

    public string String(string field)
    {
        ulong byteCount = UInt64($"{field} length");
        if (byteCount > (ulong)Remaining)
        {
            throw Error($"{field} length {byteCount} runs past the end of the file ({Remaining} bytes left)");
        }

        ReadOnlySpan<byte> bytes = Take((int)Math.Min(byteCount, int.MaxValue), field);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Error($"{field} is not valid UTF-8");
        }
    }

    /// <summary>Moves to the next multiple of <paramref name="alignment"/>.</summary>
    public void Align(long alignment, string field)
    {
        long aligned = (Position + alignment - 1) / alignment * alignment;
        if (aligned > length)
        {
            throw Error($"{field} at byte {aligned} is past the end of the file ({length} bytes)");
        }

        Position = aligned;
    }

    public ReadOnlySpan<byte> Take(int byteCount, string field)
    {
        if (byteCount < 0 || byteCount > Remaining)
        {
            throw Error($"{field} at byte {Position} runs past the end of the file ({length} bytes): truncated");
        }

        var span = new ReadOnlySpan<byte>(start + Position, byteCount);
        Position += byteCount;
        return span;
    }
}

using System.IO.Hashing;
using EdgeLLM.Format.Files;

namespace EdgeLLM.Quantize.Onnx;

/// <summary>
/// Appends tensor bytes to one external data file (<c>model.onnx.data</c>) and reports where each
/// tensor landed. Tensors of <see cref="LargeTensorBytes"/> or more start on a 64 KiB boundary (ORT maps
/// external data; older Windows builds copy unless offsets are 64 KiB aligned); smaller ones on a
/// 64-byte boundary so norms and biases do not waste a 64 KiB page each. Hashes every byte it writes.
/// </summary>
internal sealed class ExternalDataWriter : IDisposable
{
    /// <summary>Alignment of large tensors (and the size from which a tensor counts as large).</summary>
    public const int LargeTensorAlignment = 64 * 1024;

    /// <summary>Tensors of this many bytes or more are aligned to <see cref="LargeTensorAlignment"/>.</summary>
    public const long LargeTensorBytes = LargeTensorAlignment;

    /// <summary>Alignment of small tensors (cache line; SIMD loads never straddle it).</summary>
    public const int SmallTensorAlignment = 64;

    private static readonly byte[] Zeros = new byte[LargeTensorAlignment];

    private readonly FileStream stream;
    private readonly XxHash128 hash = new();
    private long tensorStart = -1;
    private long tensorBytes;

    public ExternalDataWriter(string path)
    {
        Path = path;
        Location = System.IO.Path.GetFileName(path);
        stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 20);
    }

    /// <summary>The file written.</summary>
    public string Path { get; }

    /// <summary>The file name the tensors' <c>external_data</c> location entries carry (relative to model.onnx).</summary>
    public string Location { get; }

    /// <summary>Bytes written so far (padding included).</summary>
    public long Length => stream.Length;

    /// <summary>Starts a tensor of <paramref name="byteCount"/> bytes: pads to its alignment and returns its offset.</summary>
    public long BeginTensor(long byteCount)
    {
        if (tensorStart >= 0)
        {
            throw new InvalidOperationException("a tensor is already being written");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(byteCount);
        long alignment = byteCount >= LargeTensorBytes ? LargeTensorAlignment : SmallTensorAlignment;
        long padding = (alignment - (stream.Position % alignment)) % alignment;
        WriteBytes(Zeros.AsSpan(0, (int)padding));
        tensorStart = stream.Position;
        tensorBytes = byteCount;
        return tensorStart;
    }

    /// <summary>Appends bytes of the tensor begun by <see cref="BeginTensor"/>.</summary>
    public void Write(ReadOnlySpan<byte> bytes)
    {
        if (tensorStart < 0)
        {
            throw new InvalidOperationException("no tensor begun");
        }

        if (stream.Position - tensorStart + bytes.Length > tensorBytes)
        {
            throw new InvalidOperationException($"tensor at offset {tensorStart} would exceed its declared {tensorBytes} bytes");
        }

        WriteBytes(bytes);
    }

    /// <summary>Ends the current tensor, checking that exactly the declared bytes were written.</summary>
    public ExternalDataRange EndTensor()
    {
        long written = stream.Position - tensorStart;
        if (tensorStart < 0 || written != tensorBytes)
        {
            throw new InvalidOperationException($"tensor at offset {tensorStart}: {written} bytes written, {tensorBytes} declared");
        }

        var range = new ExternalDataRange(tensorStart, tensorBytes);
        tensorStart = -1;
        return range;
    }

    /// <summary>Flushes the file to disk and returns the XXH3-128 (<see cref="FileChecksum"/>) of everything written.</summary>
    public string Complete()
    {
        stream.Flush(flushToDisk: true);
        return FileChecksum.Format(hash);
    }

    public void Dispose() => stream.Dispose();

    private void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        stream.Write(bytes);
        hash.Append(bytes);
    }
}

/// <summary>Where one tensor's bytes lie in the external data file.</summary>
internal readonly record struct ExternalDataRange(long Offset, long Length);

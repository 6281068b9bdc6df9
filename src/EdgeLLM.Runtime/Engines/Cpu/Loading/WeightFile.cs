using System.IO.MemoryMappedFiles;
using EdgeLLM.Format;
using Microsoft.Win32.SafeHandles;
using EdgeLLM.Runtime.Engines.Cpu.Graph;

namespace EdgeLLM.Runtime.Engines.Cpu.Loading;

/// <summary>
/// <c>model.onnx.data</c> mapped once, read-only and shared (file pages: evictable, never copied), and
/// the checks that tie each initializer to it: location, offset and length against the file and against
/// the tensor's dims and element type. A tensor that does not fit is one line naming it. The same read-only handle
/// serves positioned reads of small parts (<see cref="Read"/>: the embedding's rows).
/// </summary>
internal sealed unsafe class WeightFile : IDisposable
{
    public const string FileName = "model.onnx.data";

    private readonly SafeFileHandle? handle;
    private readonly MemoryMappedFile? mapping;
    private readonly MemoryMappedViewAccessor? view;
    private readonly byte* start;
    private readonly List<byte[]> inlineTensors = [];
    private bool disposed;

    private WeightFile(string path, SafeFileHandle? handle, MemoryMappedFile? mapping, MemoryMappedViewAccessor? view, long length)
    {
        Path = path;
        this.handle = handle;
        this.mapping = mapping;
        this.view = view;
        Length = length;
        if (view is not null)
        {
            byte* pointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            start = pointer + view.PointerOffset;
        }
    }

    public string Path { get; }

    /// <summary>Bytes of the file.</summary>
    public long Length { get; }

    /// <summary>The mapped file's first byte (for tests that inspect the mapping).</summary>
    public nint Start => (nint)start;

    public static WeightFile Open(string modelFolder)
    {
        string path = System.IO.Path.Combine(modelFolder, FileName);
        if (!File.Exists(path))
        {
            throw new EdgeLlmException($"'{modelFolder}' has no {FileName}");
        }

        long length = new FileInfo(path).Length;
        if (length == 0)
        {
            return new WeightFile(path, null, null, null, 0);
        }

        SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        MemoryMappedFile? mapping = null;
        try
        {
            mapping = MemoryMappedFile.CreateFromFile(
                handle, mapName: null, capacity: 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
            MemoryMappedViewAccessor view = mapping.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            return new WeightFile(path, handle, mapping, view, length);
        }
        catch
        {
            mapping?.Dispose();
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Whether [<paramref name="address"/>, + <paramref name="length"/>) lies inside the mapped file.</summary>
    public bool Maps(nint address, long length)
        => start != null && length >= 0 && (byte*)address >= start && (long)((byte*)address - start) <= Length - length;

    /// <summary>
    /// Fills <paramref name="destination"/> with the file's bytes at the mapped <paramref name="address"/> by a positioned
    /// read (the pages stay in the page cache, unmapped); the range must be one <see cref="Maps"/> accepts.
    /// </summary>
    public void Read(nint address, Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (handle is null || !Maps(address, destination.Length))
        {
            throw new ArgumentOutOfRangeException(nameof(address), $"{destination.Length} bytes at that address are not inside {FileName}");
        }

        long offset = (byte*)address - start;
        while (!destination.IsEmpty)
        {
            int read = RandomAccess.Read(handle, destination, offset);
            if (read <= 0)
            {
                throw new EdgeLlmException($"{Path}: ended at byte {offset} while a tensor's row was read (truncated while in use)");
            }

            destination = destination[read..];
            offset += read;
        }
    }

    /// <summary>
    /// Checks <paramref name="tensor"/>'s bytes against its dims, type and this file, returning the byte count;
    /// a damaged entry throws <see cref="EdgeLlmException"/> naming the tensor.
    /// </summary>
    public long Check(OnnxTensor tensor)
    {
        int elementSize = OnnxTensor.ElementSize(tensor.DataType);
        long expected;
        try
        {
            expected = elementSize == 0 ? -1 : checked(tensor.ElementCount * elementSize);
        }
        catch (OverflowException)
        {
            throw Damaged(tensor, "has dims too large to address");
        }

        if (tensor.Dims.Any(dim => dim < 0))
        {
            throw Damaged(tensor, "has a negative dimension");
        }

        if (!tensor.IsExternal)
        {
            long inline = tensor.InlineData?.LongLength ?? 0;
            return expected >= 0 && inline != expected && inline != 0 ? throw Damaged(tensor, $"holds {inline} inline bytes, its dims need {expected}") : inline;
        }

        if (!string.Equals(tensor.Location, FileName, StringComparison.Ordinal))
        {
            throw Damaged(tensor, $"lives in '{tensor.Location}', not {FileName}");
        }

        long length = tensor.Length >= 0 ? tensor.Length : expected;
        if (expected >= 0 && length != expected)
        {
            throw Damaged(tensor, $"has external-data length {length}, its dims and type need {expected}");
        }

        if (tensor.Offset < 0 || length < 0 || tensor.Offset > Length - length)
        {
            throw Damaged(tensor, $"spans bytes {tensor.Offset}..{tensor.Offset + length} of {FileName}, which has {Length} (truncated or damaged folder)");
        }

        return length;
    }

    /// <summary>The address of <paramref name="tensor"/>'s first element, checked to be of <paramref name="dataType"/>.</summary>
    public nint Address(OnnxTensor tensor, OnnxDataType dataType)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (tensor.DataType != (int)dataType)
        {
            throw new UnsupportedGraphException($"tensor '{tensor.Name}' is of ONNX type {tensor.DataType}, the engine reads {dataType} there");
        }

        Check(tensor);
        if (tensor.IsExternal)
        {
            return (nint)(start + tensor.Offset);
        }

        // A small inline tensor (never a weight matrix the converter writes): pinned once for the engine's lifetime.
        byte[] pinned = GC.AllocateArray<byte>(tensor.InlineData?.Length ?? 0, pinned: true);
        tensor.InlineData?.CopyTo(pinned, 0);
        inlineTensors.Add(pinned);
        fixed (byte* pointer = pinned)
        {
            return (nint)pointer;
        }
    }

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        if (view is not null)
        {
            view.SafeMemoryMappedViewHandle.ReleasePointer();
            view.Dispose();
        }

        mapping?.Dispose();
        handle?.Dispose();
    }

    private static EdgeLlmException Damaged(OnnxTensor tensor, string what) => new($"{FileName}: tensor {tensor.Describe()} {what}");
}

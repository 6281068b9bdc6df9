using System.IO.MemoryMappedFiles;
using EdgeLLM.Format;
using EdgeLLM.Runtime.Engines.Cpu.Graph;

namespace EdgeLLM.Runtime.Engines.Cpu.Loading;

/// <summary>
/// <c>model.onnx.data</c> mapped once, read-only and shared (file pages: evictable, never copied), and
/// the checks that tie each initializer to it: location, offset and length against the file and against
/// the tensor's dims and element type. A tensor that does not fit is one line naming it.
/// </summary>
internal sealed unsafe class WeightFile : IDisposable
{
    public const string FileName = "model.onnx.data";

    private readonly MemoryMappedFile? mapping;
    private readonly MemoryMappedViewAccessor? view;
    private readonly byte* start;
    private readonly List<byte[]> inlineTensors = [];
    private bool disposed;

    private WeightFile(string path, MemoryMappedFile? mapping, MemoryMappedViewAccessor? view, long length)
    {
        Path = path;
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
            return new WeightFile(path, null, null, 0);
        }

        var mapping = MemoryMappedFile.CreateFromFile(path, FileMode.Open, mapName: null, capacity: 0, MemoryMappedFileAccess.Read);
        try
        {
            MemoryMappedViewAccessor view = mapping.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            return new WeightFile(path, mapping, view, length);
        }
        catch
        {
            mapping.Dispose();
            throw;
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
    }

    private static EdgeLlmException Damaged(OnnxTensor tensor, string what) => new($"{FileName}: tensor {tensor.Describe()} {what}");
}

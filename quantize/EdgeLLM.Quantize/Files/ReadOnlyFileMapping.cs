using System.IO.MemoryMappedFiles;

namespace EdgeLLM.Quantize.Files;

/// <summary>
/// A whole file mapped read-only with its view's pointer acquired: what the safetensors and GGUF readers
/// address tensors through (never copied). Disposing releases the pointer, the view and the mapping.
/// </summary>
internal sealed unsafe class ReadOnlyFileMapping : IDisposable
{
    private readonly MemoryMappedFile mapping;
    private readonly MemoryMappedViewAccessor accessor;

    private ReadOnlyFileMapping(MemoryMappedFile mapping, MemoryMappedViewAccessor accessor, byte* start)
    {
        this.mapping = mapping;
        this.accessor = accessor;
        Start = start;
    }

    /// <summary>The file's first byte (valid until disposed).</summary>
    public byte* Start { get; }

    /// <summary>Maps <paramref name="stream"/>'s file, taking ownership of the stream (closed with the mapping, or on failure).</summary>
    public static ReadOnlyFileMapping Map(FileStream stream)
    {
        MemoryMappedFile mapping = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
        MemoryMappedViewAccessor? accessor = null;
        try
        {
            accessor = mapping.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            accessor.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            return new ReadOnlyFileMapping(mapping, accessor, pointer + accessor.PointerOffset);
        }
        catch
        {
            accessor?.Dispose();
            mapping.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        accessor.SafeMemoryMappedViewHandle.ReleasePointer();
        accessor.Dispose();
        mapping.Dispose();
    }
}

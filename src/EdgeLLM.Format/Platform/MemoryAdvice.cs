namespace EdgeLLM.Format.Platform;

/// <summary>
/// The one madvise boundary: <c>madvise(MADV_DONTNEED)</c> on Linux, so a streaming converter can drop
/// the pages of a tensor it has finished with from its resident set, and the runtime the pages of a
/// weight file ONNX Runtime has prepacked (EdgeLLM.Runtime's WeightFilePages).
/// A hint only: on other systems, or when libc cannot be reached, it does nothing.
/// </summary>
public static class MemoryAdvice
{
    private static readonly long PageSize = Environment.SystemPageSize;
    private static bool unavailable;

    /// <summary>Drops the pages covering [address, address + byteCount) from the resident set (file-backed, read-only memory only).</summary>
    public static unsafe void DropPages(byte* address, long byteCount)
    {
        if (!OperatingSystem.IsLinux() || unavailable || byteCount <= 0)
        {
            return;
        }

        long start = (long)address & ~(PageSize - 1);
        long end = ((long)address + byteCount + PageSize - 1) & ~(PageSize - 1);
        try
        {
            _ = Libc.Madvise((nint)start, (nuint)(end - start), Libc.DontNeed);
        }
        catch (DllNotFoundException)
        {
            unavailable = true;
        }
        catch (EntryPointNotFoundException)
        {
            unavailable = true;
        }
    }
}

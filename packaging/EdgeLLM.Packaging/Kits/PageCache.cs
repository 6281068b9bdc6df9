using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace EdgeLLM.Packaging.Kits;

/// <summary>
/// Asks Linux to forget a file's cached pages (posix_fadvise POSIX_FADV_DONTNEED) after it was flushed, so the
/// read-back that follows comes from the device, not from memory. Elsewhere (or without glibc) it does nothing
/// and the read-back is an ordinary fresh read after fsync.
/// </summary>
internal static partial class PageCache
{
    private const int DontNeed = 4;

    public static void Drop(SafeFileHandle file)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            _ = Advise(checked((int)file.DangerousGetHandle()), 0, 0, DontNeed);
        }
        catch (Exception exception) when (exception is DllNotFoundException or EntryPointNotFoundException)
        {
        }
    }

    [LibraryImport("libc.so.6", EntryPoint = "posix_fadvise")]
    private static partial int Advise(int fileDescriptor, long offset, long length, int advice);
}

using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace EdgeLLM.Runtime.Benchmarking;

/// <summary>
/// Evicts files from the operating system's page cache so the next load reads them from disk:
/// <c>posix_fadvise(POSIX_FADV_DONTNEED)</c> on every file, which needs no root (clean pages not
/// mapped by any process are dropped). Linux only.
/// </summary>
public static partial class PageCache
{
    /// <summary>The method <see cref="Drop"/> uses, as the JSON record names it.</summary>
    public const string Method = "posix_fadvise(POSIX_FADV_DONTNEED)";

    private const int DontNeed = 4;

    /// <summary>Drops every file under <paramref name="folder"/> from the page cache; returns the bytes advised.</summary>
    public static long Drop(string folder)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("--cold drops the page cache with posix_fadvise, which needs Linux");
        }

        long bytes = 0;
        foreach (string path in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            int error = PosixFadvise((int)handle.DangerousGetHandle(), 0, 0, DontNeed);
            if (error != 0)
            {
                throw new IOException($"{path}: posix_fadvise(POSIX_FADV_DONTNEED) failed with error {error}");
            }

            bytes += RandomAccess.GetLength(handle);
        }

        return bytes;
    }

    [LibraryImport("libc", EntryPoint = "posix_fadvise")]
    private static partial int PosixFadvise(int fileDescriptor, long offset, long length, int advice);
}

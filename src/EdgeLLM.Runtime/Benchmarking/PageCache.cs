using EdgeLLM.Format;
using EdgeLLM.Format.Platform;
using Microsoft.Win32.SafeHandles;

namespace EdgeLLM.Runtime.Benchmarking;

/// <summary>
/// Evicts files from the operating system's page cache so the next load reads them from disk:
/// <c>posix_fadvise(POSIX_FADV_DONTNEED)</c> on every file, which needs no root (clean pages not
/// mapped by any process are dropped). Linux only.
/// </summary>
public static class PageCache
{
    /// <summary>The method <see cref="Drop"/> uses, as the JSON record names it.</summary>
    public const string Method = FileCacheAdvice.Method;

    /// <summary>Drops every file under <paramref name="folder"/> from the page cache; returns the bytes advised.</summary>
    public static long Drop(string folder)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new EdgeLlmException("a cold run drops the page cache with posix_fadvise, which needs Linux");
        }

        long bytes = 0;
        foreach (string path in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            int error = FileCacheAdvice.Drop(handle);
            if (error != 0)
            {
                throw new IOException($"{path}: posix_fadvise(POSIX_FADV_DONTNEED) failed with error {error}");
            }

            bytes += RandomAccess.GetLength(handle);
        }

        return bytes;
    }
}

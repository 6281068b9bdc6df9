using Microsoft.Win32.SafeHandles;

namespace EdgeLLM.Format.Platform;

/// <summary>
/// <c>posix_fadvise(POSIX_FADV_DONTNEED)</c>: asks Linux to forget a file's clean cached pages (no root
/// needed; pages some process maps stay), so the next read comes from the device.
/// </summary>
public static class FileCacheAdvice
{
    /// <summary>How the pages are dropped, as records and messages name it.</summary>
    public const string Method = "posix_fadvise(POSIX_FADV_DONTNEED)";

    /// <summary>Advises the whole file; returns posix_fadvise's error number (0: done). Linux only; throws when libc cannot be reached.</summary>
    public static int Drop(SafeFileHandle file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return Libc.PosixFadvise(checked((int)file.DangerousGetHandle()), 0, 0, Libc.DontNeed);
    }

    /// <summary>A hint only: on Linux advises the whole file, elsewhere (or without libc) does nothing.</summary>
    public static void TryDrop(SafeFileHandle file)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            _ = Drop(file);
        }
        catch (Exception exception) when (exception is DllNotFoundException or EntryPointNotFoundException)
        {
        }
    }
}

using System.Runtime.InteropServices;

namespace EdgeLLM.Format.Platform;

/// <summary>
/// Every C library function EdgeLLM calls, declared once and under one library name ("libc", which .NET
/// resolves to the system's C library). Callers use the typed doors beside it (<see cref="MemoryAdvice"/>,
/// <see cref="FileCacheAdvice"/>, <see cref="KernelPath"/>, <see cref="NativeEnvironment"/>, <see cref="SystemControl"/>); each catches
/// <see cref="DllNotFoundException"/> and <see cref="EntryPointNotFoundException"/> where a hint may be skipped.
/// </summary>
internal static unsafe partial class Libc
{
    /// <summary>MADV_DONTNEED and POSIX_FADV_DONTNEED (both 4 on Linux).</summary>
    public const int DontNeed = 4;

    [LibraryImport("libc", EntryPoint = "madvise")]
    public static partial int Madvise(nint address, nuint length, int advice);

    [LibraryImport("libc", EntryPoint = "posix_fadvise")]
    public static partial int PosixFadvise(int fileDescriptor, long offset, long length, int advice);

    [LibraryImport("libc", EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint Realpath(string path, nint resolved);

    [LibraryImport("libc", EntryPoint = "free")]
    public static partial void Free(nint pointer);

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int SetEnv(string name, string value, int overwrite);

    [LibraryImport("libc", EntryPoint = "sysctlbyname", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int SysctlByName(string name, void* oldValue, nuint* oldSize, void* newValue, nuint newSize);
}

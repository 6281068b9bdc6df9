using System.Runtime.InteropServices;

namespace EdgeLLM.Format.Platform;

/// <summary>A path as the kernel names it (libc <c>realpath</c>: links resolved), e.g. to find a file in /proc/self/maps.</summary>
public static class KernelPath
{
    /// <summary>The resolved path, or null when it does not resolve; throws <see cref="DllNotFoundException"/> or <see cref="EntryPointNotFoundException"/> when libc cannot be reached.</summary>
    public static string? Resolve(string path)
    {
        nint resolved = Libc.Realpath(path, 0);
        if (resolved == 0)
        {
            return null;
        }

        try
        {
            return Marshal.PtrToStringUTF8(resolved);
        }
        finally
        {
            Libc.Free(resolved);
        }
    }
}

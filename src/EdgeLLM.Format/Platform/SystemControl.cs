namespace EdgeLLM.Format.Platform;

/// <summary>macOS and BSD <c>sysctlbyname</c>, read-only: what the device probe asks the kernel (CPU name, memory, swap).</summary>
public static unsafe class SystemControl
{
    /// <summary>Copies the value of <paramref name="name"/> into <paramref name="value"/> (<paramref name="size"/> bytes in, bytes written out; a null value asks only for the size). Returns 0 on success.</summary>
    public static int Read(string name, void* value, nuint* size) => Libc.SysctlByName(name, value, size, null, 0);
}

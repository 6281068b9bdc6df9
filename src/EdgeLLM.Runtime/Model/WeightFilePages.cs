using System.Globalization;
using EdgeLLM.Format.Platform;

namespace EdgeLLM.Runtime.Model;

/// <summary>
/// Keeps a model's weight file out of the process's resident set where ONNX Runtime no longer needs it
/// resident. ONNX Runtime maps <c>model.onnx.data</c> (private, never written) and, on the CPU, copies
/// every MatMulNBits weight into its own packed layout while the session is created; the pages it read
/// stay counted in the process's memory (the scales of every layer, ~170 MB on the 1.5B model, stay
/// mapped for the session's life), although nothing reads them again. Once a session is created this
/// drops the resident pages of the file's mappings with <c>madvise(MADV_DONTNEED)</c>: for file pages
/// never written that only forgets the page-table entries, never data, and a page read again comes back
/// from the page cache (a minor fault); a mapping with any page of its own (copied on write) is left
/// alone. The file stays in the page cache, so the next load is as warm as before. Linux only; a hint
/// that does nothing elsewhere or when libc cannot be reached.
/// <para>
/// madvise works on addresses, so a mapping must not be unmapped (and its addresses reused) between
/// reading /proc/self/smaps and advising it. Only ONNX Runtime unmaps these files, while it creates or
/// releases a session: every session of the process is created and released holding <see cref="Gate"/>
/// (the product's one user is <see cref="ModelSession"/>), as <see cref="Trim"/> is called. Trimming
/// while the session is created would also lower the load peak, but ONNX Runtime unmaps each weight
/// it has packed during that time (tried: a concurrent trim corrupted the heap), and handing ONNX
/// Runtime our own mapping as an in-memory file makes it copy every initializer (tried: +1.6 GB).
/// </para>
/// </summary>
internal static unsafe class WeightFilePages
{
    private static bool unavailable;

    /// <summary>Held while a session is created or released, and while its weight pages are trimmed.</summary>
    public static object Gate { get; } = new();

    /// <summary>
    /// Drops the resident pages of <paramref name="modelFolder"/>'s <c>*.data</c> files from every
    /// unwritten mapping (<see cref="MemoryAdvice.DropPages"/>). Call with <see cref="Gate"/> held.
    /// </summary>
    public static void Trim(string modelFolder)
    {
        if (!OperatingSystem.IsLinux() || unavailable || DataFiles(modelFolder) is not { Length: > 0 } files)
        {
            return;
        }

        string smaps;
        try
        {
            smaps = File.ReadAllText("/proc/self/smaps");
        }
        catch (IOException)
        {
            return;
        }
        catch (UnauthorizedAccessException)
        {
            return;
        }

        // ONNX Runtime maps the file private and writable (rw-p) though it never writes it. A page written
        // through such a mapping would be the process's own copy, which MADV_DONTNEED would throw away, so
        // a mapping is trimmed only while its Anonymous (copied-on-write) count is 0.
        Mapping? current = null;
        foreach (string line in smaps.Split('\n'))
        {
            if (Mapping.Parse(line) is { } mapping)
            {
                current = files.Contains(mapping.Path, StringComparer.Ordinal) ? mapping : null;
                continue;
            }

            if (current is not { } candidate || !line.StartsWith("Anonymous:", StringComparison.Ordinal))
            {
                continue;
            }

            current = null;
            if (line.AsSpan("Anonymous:".Length).Trim() is "0 kB")
            {
                MemoryAdvice.DropPages((byte*)candidate.Start, (long)candidate.Length);
            }
        }
    }

    /// <summary>The model folder's external data files as the kernel names them in /proc/self/maps (symbolic links resolved).</summary>
    private static string[] DataFiles(string modelFolder)
    {
        try
        {
            return [.. Directory.EnumerateFiles(modelFolder, "*.data").Select(RealPath).OfType<string>()];
        }
        catch (IOException)
        {
            return [];
        }
        catch (UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static string? RealPath(string path)
    {
        try
        {
            return KernelPath.Resolve(path);
        }
        catch (Exception exception) when (exception is DllNotFoundException or EntryPointNotFoundException)
        {
            unavailable = true;
            return null;
        }
    }

    /// <summary>A mapping's header line in /proc/self/smaps (as in /proc/self/maps): <c>start-end perms offset dev inode path</c>.</summary>
    private readonly record struct Mapping(nint Start, nuint Length, string Path)
    {
        public static Mapping? Parse(string line)
        {
            string[] fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            int dash = fields.Length < 6 ? -1 : fields[0].IndexOf('-', StringComparison.Ordinal);
            if (dash < 0)
            {
                return null;
            }

            if (!ulong.TryParse(fields[0].AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong start)
                || !ulong.TryParse(fields[0].AsSpan(dash + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong end)
                || end <= start)
            {
                return null;
            }

            return new Mapping((nint)start, (nuint)(end - start), fields[5].Trim());
        }
    }
}

using System.Globalization;
using System.Runtime.InteropServices;

namespace EdgeLLM.Runtime.Model;

/// <summary>
/// Keeps a model's weight file out of the process's resident set where ONNX Runtime no longer needs it
/// resident. ONNX Runtime maps <c>model.onnx.data</c> (private, never written) and, on the CPU, copies every
/// MatMulNBits weight into its own packed layout while the session is created; the pages it read stay
/// counted in the process's memory (the scales of every layer, ~170 MB on the 1.5B model, are kept
/// mapped for the session's life), although nothing needs them in memory any more. While a session is
/// created, and once after, this drops the resident pages of the file's read-only mappings with
/// <c>madvise(MADV_DONTNEED)</c>: for file pages never written that only forgets the page-table entries,
/// never data, and a page read again comes back from the page cache (a minor fault); a mapping with
/// any page of its own (copied on write) is left alone. Linux only; a hint
/// that does nothing elsewhere or when libc cannot be reached.
/// </summary>
internal sealed partial class WeightFilePages : IDisposable
{
    private const int DontNeed = 4;
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private static bool unavailable;

    private readonly string[] files;
    private readonly Thread? trimmer;
    private readonly ManualResetEventSlim stop = new();

    private WeightFilePages(string[] files, bool whileLoading)
    {
        this.files = files;
        if (whileLoading && files.Length > 0)
        {
            trimmer = new Thread(TrimUntilStopped) { IsBackground = true, Name = "edgellm weight pages" };
            trimmer.Start();
        }
    }

    /// <summary>Bytes of mapping that were advised in the last trim (the span advised, not only what was resident).</summary>
    public long LastTrimmedBytes { get; private set; }

    /// <summary>
    /// Starts trimming the resident pages of <paramref name="modelFolder"/>'s <c>*.data</c> files every
    /// 100 ms until disposed, which trims once more; so a session's load peak does not hold the whole
    /// file on top of the packed copy.
    /// </summary>
    public static WeightFilePages TrimWhileLoading(string modelFolder)
        => new(OperatingSystem.IsLinux() && !unavailable ? DataFiles(modelFolder) : [], whileLoading: true);

    public void Dispose()
    {
        if (trimmer is not null)
        {
            stop.Set();
            trimmer.Join();
        }

        Trim();
        stop.Dispose();
    }

    /// <summary>Drops the resident pages of every unwritten mapping of the files; returns the bytes advised.</summary>
    public long Trim()
    {
        if (files.Length == 0 || unavailable)
        {
            return 0;
        }

        long advised = 0;
        string smaps;
        try
        {
            smaps = File.ReadAllText("/proc/self/smaps");
        }
        catch (IOException)
        {
            return 0;
        }
        catch (UnauthorizedAccessException)
        {
            return 0;
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
            if (line.AsSpan("Anonymous:".Length).Trim() is not "0 kB")
            {
                continue;
            }

            try
            {
                if (Madvise(candidate.Start, candidate.Length, DontNeed) == 0)
                {
                    advised += (long)candidate.Length;
                }
            }
            catch (Exception exception) when (exception is DllNotFoundException or EntryPointNotFoundException)
            {
                unavailable = true;
                return advised;
            }
        }

        LastTrimmedBytes = advised;
        return advised;
    }

    private void TrimUntilStopped()
    {
        while (!stop.Wait(Interval))
        {
            Trim();
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
            nint resolved = Realpath(path, 0);
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
                Free(resolved);
            }
        }
        catch (Exception exception) when (exception is DllNotFoundException or EntryPointNotFoundException)
        {
            unavailable = true;
            return null;
        }
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(nint address, nuint length, int advice);

    [LibraryImport("libc", EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint Realpath(string path, nint resolved);

    [LibraryImport("libc", EntryPoint = "free")]
    private static partial void Free(nint pointer);

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

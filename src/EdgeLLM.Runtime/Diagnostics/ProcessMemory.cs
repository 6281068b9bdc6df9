using System.Diagnostics;

namespace EdgeLLM.Runtime.Diagnostics;

/// <summary>This process's resident memory: now and at its peak (VmRSS / VmHWM on Linux).</summary>
public static class ProcessMemory
{
    /// <summary>Peak resident set size in bytes (Linux: /proc/self/status VmHWM; elsewhere the peak working set).</summary>
    public static long PeakResidentBytes() => ReadStatus("VmHWM:") ?? Process.GetCurrentProcess().PeakWorkingSet64;

    /// <summary>
    /// Restarts the peak (Linux: writes 5 to /proc/self/clear_refs, which resets VmHWM to the current
    /// resident set); false where the system offers no reset, and the peak then covers the whole process.
    /// </summary>
    public static bool ResetPeak()
    {
        const string path = "/proc/self/clear_refs";
        if (!OperatingSystem.IsLinux() || !File.Exists(path))
        {
            return false;
        }

        try
        {
            File.WriteAllText(path, "5");
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>File-backed resident bytes now (Linux: /proc/self/status RssFile — mapped files such as the weights); 0 elsewhere.</summary>
    public static long FileResidentBytes() => ReadStatus("RssFile:") ?? 0;

    /// <summary>Anonymous resident bytes now (Linux: /proc/self/status RssAnon — heap, KV cache, buffers, copied weights); 0 elsewhere.</summary>
    public static long AnonymousResidentBytes() => ReadStatus("RssAnon:") ?? 0;

    /// <summary>Current resident set size in bytes.</summary>
    public static long ResidentBytes() => ReadStatus("VmRSS:") ?? Environment.WorkingSet;

    private static long? ReadStatus(string key)
    {
        const string path = "/proc/self/status";
        if (!OperatingSystem.IsLinux() || !File.Exists(path))
        {
            return null;
        }

        foreach (string line in File.ReadLines(path))
        {
            if (line.StartsWith(key, StringComparison.Ordinal))
            {
                // "VmHWM:	  123456 kB"
                // Split(' ', '\t', options) would bind '\t' as a count of 9 and leave the tab in the first part.
                string[] parts = line[key.Length..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                return parts.Length > 0 && long.TryParse(parts[0], out long kilobytes) ? kilobytes * 1024 : null;
            }
        }

        return null;
    }
}

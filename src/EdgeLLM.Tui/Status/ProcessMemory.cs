using System.Globalization;

namespace EdgeLLM.Tui.Status;

/// <summary>Resident memory of this process: VmRSS from /proc/self/status on Linux, the working set elsewhere.</summary>
public static class ProcessMemory
{
    public static long ResidentBytes()
    {
        const string statusPath = "/proc/self/status";
        if (File.Exists(statusPath))
        {
            try
            {
                foreach (string line in File.ReadLines(statusPath))
                {
                    if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    {
                        return ParseKilobytes(line) * 1024;
                    }
                }
            }
            catch (IOException)
            {
                // Fall back to the runtime's figure below.
            }
        }

        return Environment.WorkingSet;
    }

    /// <summary>"VmRSS:    123456 kB" → 123456.</summary>
    public static long ParseKilobytes(string statusLine)
    {
        string[] fields = statusLine.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return fields.Length >= 2 ? long.Parse(fields[1], CultureInfo.InvariantCulture) : 0;
    }
}

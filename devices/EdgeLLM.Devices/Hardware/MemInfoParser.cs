using System.Globalization;
using EdgeLLM.Format;

namespace EdgeLLM.Devices.Hardware;

/// <summary>Reads the text of Linux /proc/meminfo ("MemTotal:  3884420 kB").</summary>
public static class MemInfoParser
{
    public static MemoryStatus Parse(string memInfoText)
    {
        ArgumentNullException.ThrowIfNull(memInfoText);
        var kibibytes = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (string line in memInfoText.Split('\n'))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                continue;
            }

            string[] value = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (value.Length > 0 && long.TryParse(value[0], NumberStyles.None, CultureInfo.InvariantCulture, out long amount))
            {
                kibibytes[line[..colon].Trim()] = amount;
            }
        }

        long total = Require(kibibytes, "MemTotal");

        // Kernels before 3.14 have no MemAvailable; free + page cache is the usual stand-in.
        long available = kibibytes.TryGetValue("MemAvailable", out long reported)
            ? reported
            : Require(kibibytes, "MemFree") + kibibytes.GetValueOrDefault("Buffers") + kibibytes.GetValueOrDefault("Cached");
        return new MemoryStatus(
            total * 1024,
            available * 1024,
            kibibytes.GetValueOrDefault("SwapTotal") * 1024,
            kibibytes.GetValueOrDefault("SwapFree") * 1024);
    }

    private static long Require(Dictionary<string, long> kibibytes, string key)
        => kibibytes.TryGetValue(key, out long value)
            ? value
            : throw new EdgeLlmException($"/proc/meminfo: no '{key}' line");
}

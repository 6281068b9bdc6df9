using System.Globalization;

namespace EdgeLLM.Devices.Hardware;

/// <summary>
/// A container's memory limit: /proc/meminfo shows the host's RAM, but a process in a cgroup with a
/// limit is killed at the limit. cgroup v2 writes "max" or a byte count to memory.max (usage in
/// memory.current); v1 writes a byte count to memory.limit_in_bytes (a huge one when unlimited).
/// </summary>
public static class CgroupMemoryLimit
{
    /// <summary>Limit/usage file pairs, v2 first.</summary>
    public static IReadOnlyList<(string LimitPath, string UsagePath)> Files { get; } =
    [
        ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),
        ("/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory/memory.usage_in_bytes"),
    ];

    /// <summary>The host's memory clamped to the limit; unchanged when there is no limit or it is above RAM.</summary>
    public static MemoryStatus Apply(MemoryStatus host, string? limitText, string? usageText)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (!TryParseBytes(limitText, out long limit) || limit >= host.TotalBytes)
        {
            return host;
        }

        long usage = TryParseBytes(usageText, out long used) ? used : 0;
        return host with
        {
            TotalBytes = limit,
            AvailableBytes = Math.Clamp(limit - usage, 0, host.AvailableBytes),
        };
    }

    /// <summary>Reads the first limit file that exists.</summary>
    public static MemoryStatus Apply(MemoryStatus host)
    {
        foreach ((string limitPath, string usagePath) in Files)
        {
            if (File.Exists(limitPath))
            {
                return Apply(host, File.ReadAllText(limitPath), File.Exists(usagePath) ? File.ReadAllText(usagePath) : null);
            }
        }

        return host;
    }

    private static bool TryParseBytes(string? text, out long bytes)
        => long.TryParse(text?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out bytes) && bytes > 0;
}

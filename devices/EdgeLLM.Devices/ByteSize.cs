using System.Globalization;

namespace EdgeLLM.Devices;

/// <summary>Human-readable byte counts in decimal units, as users compare them with "8 GB" on a box.</summary>
public static class ByteSize
{
    public const long Megabyte = 1_000_000;
    public const long Gigabyte = 1_000_000_000;

    /// <summary>"2.1 GB", "640 MB".</summary>
    public static string Format(long bytes)
        => Math.Abs(bytes) >= Gigabyte
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)Gigabyte:0.0} GB")
            : string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)Megabyte:0} MB");
}

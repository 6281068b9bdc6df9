using System.Globalization;
using System.IO.Hashing;

namespace EdgeLLM.Format.Files;

/// <summary>
/// The checksum EdgeLLM records for every file it writes or carries: XXH3-128 (System.IO.Hashing.XxHash128),
/// as 32 lowercase hex digits. Fast enough to re-hash a model on a Raspberry Pi before loading it.
/// </summary>
public static class FileChecksum
{
    /// <summary>The manifest key that holds the checksum.</summary>
    public const string Algorithm = "xxh3_128";

    public static string Of(string path)
    {
        var hash = new XxHash128();
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 20, FileOptions.SequentialScan))
        {
            hash.Append(stream);
        }

        return Format(hash);
    }

    public static string Format(XxHash128 hash) => hash.GetCurrentHashAsUInt128().ToString("x32", CultureInfo.InvariantCulture);
}

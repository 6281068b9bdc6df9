using System.IO.Hashing;
using EdgeLLM.Format.Files;
using EdgeLLM.Format.Platform;
using EdgeLLM.Format;

namespace EdgeLLM.Packaging.Kits;

/// <summary>
/// Copies one file and proves the copy: the source is hashed while it is read (and checked against the checksum
/// its manifest records, if any), the destination is flushed to the device (fsync), dropped from the page cache
/// where the OS allows, then read back through a fresh stream and hashed again. USB sticks lie about writes.
/// </summary>
public static class VerifiedCopy
{
    private const int BufferBytes = 1 << 20;

    /// <param name="source">The file to copy.</param>
    /// <param name="destination">Where to write it (created or overwritten).</param>
    /// <param name="name">The name used in messages and in the result (a kit-relative path).</param>
    /// <param name="expectedChecksum">The source's recorded XXH3-128, or null.</param>
    /// <param name="copied">Told the bytes copied after each buffer.</param>
    public static OutputFile Copy(string source, string destination, string name, string? expectedChecksum, Action<long>? copied = null)
    {
        var sourceHash = new XxHash128();
        long bytes = 0;
        byte[] buffer = new byte[BufferBytes];
        using (var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, BufferBytes, FileOptions.SequentialScan))
        using (var output = new FileStream(destination, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            int read;
            while ((read = input.Read(buffer)) > 0)
            {
                sourceHash.Append(buffer.AsSpan(0, read));
                output.Write(buffer, 0, read);
                bytes += read;
                copied?.Invoke(read);
            }

            output.Flush(flushToDisk: true);
            FileCacheAdvice.TryDrop(output.SafeFileHandle);
        }

        string checksum = FileChecksum.Format(sourceHash);
        if (expectedChecksum is not null && !string.Equals(checksum, expectedChecksum, StringComparison.OrdinalIgnoreCase))
        {
            throw new EdgeLlmException($"{source}: checksum {checksum} differs from the manifest's {expectedChecksum}: the source is corrupt, not packed (run 'edgellm verify' on it)");
        }

        string readBack = FileChecksum.Of(destination);
        long writtenBytes = new FileInfo(destination).Length;
        if (writtenBytes != bytes || readBack != checksum)
        {
            throw new IOException($"{name}: the copy written to '{destination}' reads back differently ({writtenBytes} bytes, checksum {readBack}; expected {bytes} bytes, {checksum}): the medium is failing or full, use another stick");
        }

        return new OutputFile(name, bytes, checksum);
    }
}

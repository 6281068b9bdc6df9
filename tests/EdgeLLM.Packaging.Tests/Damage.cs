namespace EdgeLLM.Packaging.Tests;

/// <summary>What a failing USB stick does to a file: one flipped byte, or a copy cut short.</summary>
internal static class Damage
{
    /// <summary>Inverts the byte at <paramref name="offset"/>, keeping the file's size and (optionally) its modification time.</summary>
    public static void FlipByte(string path, long offset, bool keepModificationTime = false)
    {
        DateTime modified = File.GetLastWriteTimeUtc(path);
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            stream.Position = offset;
            int value = stream.ReadByte();
            stream.Position = offset;
            stream.WriteByte((byte)~value);
        }

        if (keepModificationTime)
        {
            File.SetLastWriteTimeUtc(path, modified);
        }
    }

    /// <summary>Cuts the file to half its length.</summary>
    public static void Truncate(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        stream.SetLength(stream.Length / 2);
    }
}

using System.IO.Hashing;
using EdgeLLM.Format.Files;
using EdgeLLM.Format.Platform;
using EdgeLLM.Format;

namespace EdgeLLM.Runtime.Native;

/// <summary>
/// Where an <see cref="EmbeddedNativeLibrary"/> is extracted to be loaded: the first of its roots that
/// holds a copy with the right XXH3-128 or can be written, by default a folder beside the executable
/// (<c>&lt;bindir&gt;/.edgellm/native</c>, so a USB stick carries its own cache) and then the per-user cache
/// (<c>native</c> in <see cref="UserFolders.Cache"/>) for a read-only stick.
/// A copy is written to a temporary file and renamed into place, so processes starting together never
/// load a half-written library; a copy whose hash is wrong is replaced.
/// </summary>
public sealed class NativeLibraryCache
{
    public NativeLibraryCache(IReadOnlyList<string> roots)
    {
        if (roots.Count == 0)
        {
            throw new ArgumentException("a native library cache needs at least one folder", nameof(roots));
        }

        Roots = roots;
    }

    /// <summary>The cache roots in the order they are tried.</summary>
    public IReadOnlyList<string> Roots { get; }

    /// <summary>Beside the executable first, then the per-user cache.</summary>
    public static NativeLibraryCache ForThisExecutable() => new([Path.Combine(AppContext.BaseDirectory, ".edgellm", "native"), Path.Combine(UserFolders.Cache(), "native")]);

    /// <summary>The path of a copy of <paramref name="library"/> whose bytes hash as built, extracting one where needed.</summary>
    /// <exception cref="EdgeLlmException">The bytes built into the executable do not hash as recorded.</exception>
    /// <exception cref="IOException">No root holds a good copy or can be written.</exception>
    public string Extract(EmbeddedNativeLibrary library)
    {
        var failures = new List<string>();
        foreach (string root in Roots)
        {
            string folder = Path.Combine(root, library.FolderName);
            string path = Path.Combine(folder, library.FileName);
            if (HashesAsBuilt(path, library))
            {
                return path;
            }

            try
            {
                Directory.CreateDirectory(folder);
                WriteAtomically(library, path);
                return path;
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Another process may have put a good copy in place while this one failed to (Windows refuses
                // to replace a loaded library); otherwise this root is read-only or full: try the next one.
                if (HashesAsBuilt(path, library))
                {
                    return path;
                }

                failures.Add($"{folder}: {exception.Message.ReplaceLineEndings(" ")}");
            }
        }

        throw new IOException($"cannot extract the built-in {library.Name} library ({library.FileName} {library.Version}): {string.Join("; ", failures)}");
    }

    private static void WriteAtomically(EmbeddedNativeLibrary library, string path)
    {
        string temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            var hash = new XxHash128();
            using (Stream source = library.Open())
            using (var target = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 20))
            {
                byte[] buffer = new byte[1 << 20];
                int read;
                while ((read = source.Read(buffer)) > 0)
                {
                    hash.Append(buffer.AsSpan(0, read));
                    target.Write(buffer, 0, read);
                }

                target.Flush(flushToDisk: true);
            }

            string actual = FileChecksum.Format(hash);
            if (actual != library.Checksum)
            {
                throw new EdgeLlmException($"the {library.Name} library built into this executable is corrupt (XXH3-128 {actual}, expected {library.Checksum}): copy the executable again");
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static bool HashesAsBuilt(string path, EmbeddedNativeLibrary library)
    {
        try
        {
            return File.Exists(path) && FileChecksum.Of(path) == library.Checksum;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}

using System.IO.Hashing;
using System.Runtime.Versioning;
using EdgeLLM.Format.Files;
using EdgeLLM.Format;
using EdgeLLM.Runtime.Native;
using EdgeLLM.Tests.Shared;

namespace EdgeLLM.Runtime.Tests.Native;

/// <summary>
/// Extraction of an embedded native library: hash-checked, replaced when wrong, atomic under concurrent
/// starts, falling back to the next cache root when one cannot be written, one-line errors otherwise.
/// </summary>
public sealed class NativeLibraryCacheTests : IDisposable
{
    private const int LibrarySize = (3 << 20) + 12345; // spans several 1 MiB copy buffers
    private readonly TempFolder temp = TestPaths.CreateTemp("native-cache");
    private readonly byte[] bytes = LibraryBytes();
    private int opens;

    public void Dispose() => temp.Dispose();

    [Fact]
    public void ExtractsIntoAVersionedFolderOfTheFirstRoot()
    {
        EmbeddedNativeLibrary library = Library(bytes, Checksum(bytes));
        var cache = new NativeLibraryCache([Root("beside-binary"), Root("per-user")]);

        string path = cache.Extract(library);

        Assert.Equal(Path.Combine(Root("beside-binary"), $"fake-1.2.3-{Checksum(bytes)[..12]}", "libfake.so"), path);
        Assert.Equal(bytes, File.ReadAllBytes(path));
        Assert.Equal([Path.GetFileName(path)], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
        Assert.False(Directory.Exists(Root("per-user")));
    }

    [Fact]
    public void AGoodCopyIsReusedWithoutReadingTheResourceAgain()
    {
        EmbeddedNativeLibrary library = Library(bytes, Checksum(bytes));
        var cache = new NativeLibraryCache([Root("beside-binary")]);
        string first = cache.Extract(library);
        DateTime written = File.GetLastWriteTimeUtc(first);

        string second = cache.Extract(library);

        Assert.Equal(first, second);
        Assert.Equal(1, opens);
        Assert.Equal(written, File.GetLastWriteTimeUtc(second));
    }

    [Theory]
    [InlineData("flipped byte")]
    [InlineData("truncated")]
    public void ACopyWhoseHashIsWrongIsExtractedAgain(string damage)
    {
        EmbeddedNativeLibrary library = Library(bytes, Checksum(bytes));
        var cache = new NativeLibraryCache([Root("beside-binary")]);
        string path = cache.Extract(library);
        byte[] damaged = damage == "truncated" ? bytes[..^1] : (byte[])bytes.Clone();
        if (damage == "flipped byte")
        {
            damaged[LibrarySize / 2] ^= 0x20;
        }

        File.WriteAllBytes(path, damaged);

        Assert.Equal(path, cache.Extract(library));
        Assert.Equal(bytes, File.ReadAllBytes(path));
        Assert.Equal(2, opens);
    }

    [Fact]
    public void AnUnwritableRootFallsBackToThePerUserCache()
    {
        // A folder beside the binary that cannot be created (its parent is a file) stands for a read-only stick;
        // the packaged-binary tests repeat this on a read-only mount.
        string blocked = Path.Combine(temp.Path, "stick");
        File.WriteAllText(blocked, "a file where the folder would go");
        EmbeddedNativeLibrary library = Library(bytes, Checksum(bytes));
        var cache = new NativeLibraryCache([Path.Combine(blocked, ".edgellm", "native"), Root("per-user")]);

        string path = cache.Extract(library);

        Assert.StartsWith(Root("per-user") + Path.DirectorySeparatorChar, path, StringComparison.Ordinal);
        Assert.Equal(bytes, File.ReadAllBytes(path));
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void ReadOnlyRootWithAGoodCopyIsUsedAsIs()
    {
        EmbeddedNativeLibrary library = Library(bytes, Checksum(bytes));
        string path = new NativeLibraryCache([Root("stick")]).Extract(library);
        File.SetUnixFileMode(Path.GetDirectoryName(path)!, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            Assert.Equal(path, new NativeLibraryCache([Root("stick"), Root("per-user")]).Extract(library));
            Assert.Equal(1, opens);
            Assert.False(Directory.Exists(Root("per-user")));
        }
        finally
        {
            File.SetUnixFileMode(Path.GetDirectoryName(path)!, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Fact]
    public void ACorruptResourceIsOneLineErrorAndLeavesNoFile()
    {
        byte[] corrupt = (byte[])bytes.Clone();
        corrupt[17] ^= 1;
        EmbeddedNativeLibrary library = Library(corrupt, Checksum(bytes));
        var cache = new NativeLibraryCache([Root("beside-binary"), Root("per-user")]);

        var error = Assert.Throws<EdgeLlmException>(() => cache.Extract(library));

        Assert.Equal($"the fake library built into this executable is corrupt (XXH3-128 {Checksum(corrupt)}, expected {Checksum(bytes)}): copy the executable again", error.Message);
        Assert.Empty(Directory.GetFiles(Root("beside-binary"), "*", SearchOption.AllDirectories));
        Assert.False(Directory.Exists(Root("per-user")));
    }

    [Fact]
    public void NoWritableRootNamesEveryFolderTried()
    {
        string blocked = Path.Combine(temp.Path, "blocked");
        File.WriteAllText(blocked, string.Empty);
        EmbeddedNativeLibrary library = Library(bytes, Checksum(bytes));
        var cache = new NativeLibraryCache([Path.Combine(blocked, "a"), Path.Combine(blocked, "b")]);

        var error = Assert.Throws<IOException>(() => cache.Extract(library));

        Assert.StartsWith("cannot extract the built-in fake library (libfake.so 1.2.3): ", error.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(blocked, "a", library.FolderName) + ": ", error.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(blocked, "b", library.FolderName) + ": ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task ProcessesStartingTogetherAllGetACompleteCopy()
    {
        string root = Root("shared");
        string checksum = Checksum(bytes);
        using var start = new Barrier(8);

        string[] paths = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            // Each caller is its own "process": its own library object and cache, racing on one folder.
            var library = new EmbeddedNativeLibrary("fake", "1.2.3", checksum, "libfake.so", () => new MemoryStream(bytes, writable: false));
            start.SignalAndWait();
            string path = new NativeLibraryCache([root]).Extract(library);
            Assert.Equal(checksum, FileChecksum.Of(path));
            return path;
        })));

        Assert.Single(paths.Distinct());
        Assert.Equal(["libfake.so"], Directory.GetFiles(Path.GetDirectoryName(paths[0])!).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("ABCDEF0123456789abcdef0123456789", "libfake.so")]
    [InlineData("abcdef", "libfake.so")]
    [InlineData("abcdef0123456789abcdef0123456789", "../libfake.so")]
    public void MalformedDescriptionsAreRejected(string checksum, string fileName)
        => Assert.Throws<ArgumentException>(() => new EmbeddedNativeLibrary("fake", "1.2.3", checksum, fileName, () => Stream.Null));

    private string Root(string name) => Path.Combine(temp.Path, name, ".edgellm", "native");

    private EmbeddedNativeLibrary Library(byte[] content, string checksum)
        => new("fake", "1.2.3", checksum, "libfake.so", () =>
        {
            Interlocked.Increment(ref opens);
            return new MemoryStream(content, writable: false);
        });

    private static string Checksum(byte[] content)
    {
        var hash = new XxHash128();
        hash.Append(content);
        return FileChecksum.Format(hash);
    }

    private static byte[] LibraryBytes()
    {
        byte[] content = new byte[LibrarySize];
        new Random(20261128).NextBytes(content);
        return content;
    }
}

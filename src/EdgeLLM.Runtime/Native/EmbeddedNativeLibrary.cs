using System.Reflection;
using EdgeLLM.Format;

namespace EdgeLLM.Runtime.Native;

/// <summary>
/// A native library carried inside the executable as an embedded resource (only in a NativeAOT publish;
/// see src/EdgeLLM.Cli/NativeAot.targets). The resource's name carries what the build knew about it:
/// <c>EdgeLLM.Native/&lt;name&gt;/&lt;version&gt;/&lt;xxh3-128&gt;/&lt;file name&gt;</c>, with the XXH3-128 of the bytes
/// computed at build time, so the extracted copy can be checked before it is loaded.
/// </summary>
public sealed class EmbeddedNativeLibrary
{
    /// <summary>The first part of every embedded native library's resource name.</summary>
    public const string ResourcePrefix = "EdgeLLM.Native/";

    private readonly Func<Stream> open;

    public EmbeddedNativeLibrary(string name, string version, string checksum, string fileName, Func<Stream> open)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(version);
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        if (checksum.Length != 32 || !checksum.All(char.IsAsciiHexDigitLower))
        {
            throw new ArgumentException($"embedded native library '{name}': checksum '{checksum}' is not 32 lowercase hex digits (XXH3-128)", nameof(checksum));
        }

        if (fileName.IndexOfAny(['/', '\\']) >= 0 || fileName is "." or "..")
        {
            throw new ArgumentException($"embedded native library '{name}': file name '{fileName}' must be a plain file name", nameof(fileName));
        }

        Name = name;
        Version = version;
        Checksum = checksum;
        FileName = fileName;
        this.open = open;
    }

    /// <summary>The name P/Invokes use for the library (<c>onnxruntime</c>).</summary>
    public string Name { get; }

    /// <summary>The version of the package the library came from.</summary>
    public string Version { get; }

    /// <summary>XXH3-128 of the library's bytes, 32 lowercase hex digits, computed at build time.</summary>
    public string Checksum { get; }

    /// <summary>The file name the library is extracted as (<c>libonnxruntime.so</c>).</summary>
    public string FileName { get; }

    /// <summary>The cache folder name: versioned and tied to the bytes, so two builds never share a copy.</summary>
    public string FolderName => $"{Name}-{Version}-{Checksum[..12]}";

    /// <summary>The library's bytes as built into the executable.</summary>
    public Stream Open() => open();

    /// <summary>The library called <paramref name="name"/> embedded in <paramref name="assembly"/>, or null when this build carries none.</summary>
    public static EmbeddedNativeLibrary? Find(Assembly assembly, string name)
    {
        string prefix = ResourcePrefix + name + "/";
        string? resource = assembly.GetManifestResourceNames().SingleOrDefault(candidate => candidate.StartsWith(prefix, StringComparison.Ordinal));
        if (resource is null)
        {
            return null;
        }

        string[] parts = resource[prefix.Length..].Split('/');
        if (parts.Length != 3)
        {
            throw new EdgeLlmException($"embedded resource '{resource}' is not named {ResourcePrefix}<name>/<version>/<xxh3-128>/<file name>");
        }

        return new EmbeddedNativeLibrary(name, parts[0], parts[1], parts[2],
            () => assembly.GetManifestResourceStream(resource) ?? throw new EdgeLlmException($"embedded resource '{resource}' cannot be read"));
    }
}

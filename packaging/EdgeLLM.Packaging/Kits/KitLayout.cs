using EdgeLLM.Format;

namespace EdgeLLM.Packaging.Kits;

/// <summary>
/// Where things live in a USB field kit:
/// <c>bin/&lt;rid&gt;/edgellm[.exe]</c>, <c>models/&lt;name&gt;/…</c>, <c>edgellm.sh</c>, <c>edgellm.cmd</c>,
/// <c>README.txt</c> and <c>MANIFEST.json</c> (every other file's size and XXH3-128).
/// </summary>
public static class KitLayout
{
    public const string ManifestName = "MANIFEST.json";

    public const string BinFolder = "bin";

    public const string ModelsFolder = "models";

    public const string ShellLauncher = "edgellm.sh";

    public const string WindowsLauncher = "edgellm.cmd";

    public const string ReadmeName = "README.txt";

    /// <summary>
    /// The platforms a kit can carry, as .NET runtime identifiers, plus <c>linux-x64-v3</c>: the linux-x64 build for
    /// x86-64-v3 CPUs (AVX2, FMA), whose CPU engine runs AVX2 kernels, and <c>linux-x64-v4</c>: the build for
    /// x86-64-v4 CPUs (AVX-512 F/BW/CD/DQ/VL), the same kernels with AVX-512 encodings; edgellm.sh starts the highest
    /// the kit carries and the CPU allows.
    /// </summary>
    public static IReadOnlyList<string> KnownTargets { get; } = ["linux-x64", "linux-x64-v3", "linux-x64-v4", "linux-arm64", "win-x64", "win-arm64", "osx-arm64", "osx-x64"];

    /// <summary><c>edgellm.exe</c> on Windows targets, <c>edgellm</c> elsewhere.</summary>
    public static string BinaryName(string rid) => rid.StartsWith("win-", StringComparison.Ordinal) ? "edgellm.exe" : "edgellm";

    /// <summary>The kit-relative path of a target's binary, with forward slashes (as MANIFEST.json records it).</summary>
    public static string BinaryPath(string rid) => $"{BinFolder}/{rid}/{BinaryName(rid)}";

    /// <summary>True when <paramref name="folder"/> holds a MANIFEST.json.</summary>
    public static bool IsKit(string folder) => File.Exists(Path.Combine(folder, ManifestName));

    /// <summary>
    /// The kit a model folder belongs to (<c>&lt;kit&gt;/models/&lt;name&gt;</c> with <c>&lt;kit&gt;/MANIFEST.json</c>), or null.
    /// </summary>
    public static string? KitOfModel(string modelFolder)
    {
        DirectoryInfo model = new(Path.TrimEndingDirectorySeparator(Path.GetFullPath(modelFolder)));
        DirectoryInfo? models = model.Parent;
        if (models is null || models.Name != ModelsFolder || models.Parent is not { } kit)
        {
            return null;
        }

        return IsKit(kit.FullName) ? kit.FullName : null;
    }

    /// <summary>
    /// True for files inside a folder under <c>bin/&lt;rid&gt;/</c>: the versioned cache the binary extracts its native
    /// library into on first run. A kit never ships such folders, so they are neither kit files nor extra ones (the
    /// binary checks what it extracts against its own hash before loading it).
    /// </summary>
    public static bool IsRuntimeCache(string relativePath)
    {
        string[] segments = relativePath.Split('/');
        return segments.Length > 3 && segments[0] == BinFolder;
    }

    /// <summary>A kit-relative path with forward slashes, whatever the platform's separator.</summary>
    public static string RelativePath(string kitFolder, string path) => Path.GetRelativePath(kitFolder, path).Replace('\\', '/');

    /// <summary>The target names, checked and in the order given; an unknown one is one error naming the known ones.</summary>
    public static IReadOnlyList<string> ParseTargets(string targets)
    {
        string[] names = targets.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names.Length == 0)
        {
            throw new EdgeLlmException($"no targets: give one or more of {string.Join(",", KnownTargets)}");
        }

        foreach (string name in names)
        {
            if (!KnownTargets.Contains(name, StringComparer.Ordinal))
            {
                throw new EdgeLlmException($"unknown target '{name}': use one or more of {string.Join(",", KnownTargets)}");
            }
        }

        return [.. names.Distinct(StringComparer.Ordinal)];
    }
}

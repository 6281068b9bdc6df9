namespace EdgeLLM.Format.ModelFolder;

/// <summary>
/// <c>edgellm.json</c>, the manifest of a converted model folder: its file name, the format version this
/// EdgeLLM writes and reads (<see cref="ModelManifestReader"/>), and the tool version it records.
/// </summary>
public static class ModelManifest
{
    public const string FileName = "edgellm.json";

    public const int FormatVersion = 1;

    /// <summary>The converter's version (the assembly version, major.minor.patch).</summary>
    public static string ToolVersion { get; } = typeof(ModelManifest).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}

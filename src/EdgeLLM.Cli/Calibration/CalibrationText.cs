using EdgeLLM.Format;
namespace EdgeLLM.Cli.Calibration;

/// <summary>
/// The text a calibration runs through the full-precision model: the built-in one (a few KB of plain English, code
/// and math written for EdgeLLM, embedded in the tool) or a UTF-8 file given to <c>quantize --calibration</c>.
/// </summary>
public sealed record CalibrationText(string Text, string Source)
{
    private const string ResourceName = "EdgeLLM.Cli.Calibration.calibration.txt";

    /// <summary>What edgellm.json records for the built-in text.</summary>
    public const string BuiltInSource = "built-in";

    public static CalibrationText BuiltIn()
    {
        using Stream stream = typeof(CalibrationText).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"the built-in calibration text ({ResourceName}) is missing from the tool");
        using var reader = new StreamReader(stream);
        return new CalibrationText(reader.ReadToEnd(), BuiltInSource);
    }

    /// <summary>Reads <paramref name="path"/>; a missing, unreadable or blank file is one-line error naming it.</summary>
    public static CalibrationText Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"calibration text '{path}' does not exist", path);
        }

        string text = File.ReadAllText(path);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new EdgeLlmException($"calibration text '{path}' is empty");
        }

        return new CalibrationText(text, Path.GetFileName(path));
    }
}

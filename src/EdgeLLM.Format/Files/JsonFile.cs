using System.Text.Json;

namespace EdgeLLM.Format.Files;

/// <summary>A JSON file parsed whole, or one <see cref="EdgeLlmException"/> naming the file: "path: not valid JSON (reason)".</summary>
public static class JsonFile
{
    /// <summary>Parses the file at <paramref name="path"/>.</summary>
    public static JsonDocument Parse(string path) => Parse(File.ReadAllBytes(path), path);

    /// <summary>Parses <paramref name="utf8"/>, naming <paramref name="source"/> in the error.</summary>
    public static JsonDocument Parse(ReadOnlyMemory<byte> utf8, string source) => Parsed(() => JsonDocument.Parse(utf8), source);

    /// <summary>Parses <paramref name="json"/>, naming <paramref name="source"/> in the error.</summary>
    public static JsonDocument Parse(string json, string source) => Parsed(() => JsonDocument.Parse(json), source);

    private static JsonDocument Parsed(Func<JsonDocument> parse, string source)
    {
        try
        {
            return parse();
        }
        catch (JsonException exception)
        {
            throw new EdgeLlmException($"{source}: not valid JSON ({exception.Message})", exception);
        }
    }
}

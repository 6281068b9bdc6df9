using System.Text.Json;

namespace EdgeLLM.Format.Files;

/// <summary>Reading the manifests EdgeLLM writes: a required property, or one <see cref="EdgeLlmException"/> naming the file and the property.</summary>
public static class JsonFields
{
    public static JsonElement Required(JsonElement element, string name, string path)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value) && value.ValueKind != JsonValueKind.Null
            ? value
            : throw new EdgeLlmException($"{path}: missing '{name}'");

    /// <summary>A required whole number in [<paramref name="minimum"/>, <paramref name="maximum"/>], or one line naming the field and the range.</summary>
    public static long WholeNumber(JsonElement element, string name, string path, long minimum, long maximum)
    {
        JsonElement value = Required(element, name, path);
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long number) && number >= minimum && number <= maximum
            ? number
            : throw new EdgeLlmException(MessageText.OneLine($"{path}: '{name}' is {value.GetRawText()}, expected a whole number from {minimum} to {maximum}"));
    }

    /// <summary>A required string, or one line naming the field.</summary>
    public static string Text(JsonElement element, string name, string path)
    {
        JsonElement value = Required(element, name, path);
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new EdgeLlmException(MessageText.OneLine($"{path}: '{name}' is {value.GetRawText()}, expected a string"));
    }

    /// <summary>An optional whole number in [<paramref name="minimum"/>, <paramref name="maximum"/>]: null when absent or null.</summary>
    public static long? OptionalWholeNumber(JsonElement element, string name, string path, long minimum, long maximum)
        => IsPresent(element, name) ? WholeNumber(element, name, path, minimum, maximum) : null;

    /// <summary>An optional string: null when absent or null.</summary>
    public static string? OptionalText(JsonElement element, string name, string path)
        => IsPresent(element, name) ? Text(element, name, path) : null;

    private static bool IsPresent(JsonElement element, string name)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value) && value.ValueKind != JsonValueKind.Null;
}

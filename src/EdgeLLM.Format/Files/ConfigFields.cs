using System.Globalization;
using System.Text.Json;

namespace EdgeLLM.Format.Files;

/// <summary>
/// Optional fields of a Hugging Face JSON file (<c>config.json</c>, <c>generation_config.json</c>), read the
/// lenient way those files need (an integer written as 2.0, a number written as a string), with one-line
/// <see cref="EdgeLlmException"/>s naming the file and the field.
/// </summary>
public static class ConfigFields
{
    /// <summary>An integer or a list of integers (<c>eos_token_id</c>); empty when absent or null.</summary>
    public static IReadOnlyList<int> Ids(JsonElement root, string name, string source)
    {
        if (!root.TryGetProperty(name, out JsonElement element) || element.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (element.ValueKind == JsonValueKind.Number)
        {
            return [ToInt(element, name, source)];
        }

        if (element.ValueKind == JsonValueKind.Array)
        {
            var ids = new List<int>();
            foreach (JsonElement item in element.EnumerateArray())
            {
                ids.Add(ToInt(item, name, source));
            }

            return ids;
        }

        throw new EdgeLlmException($"{source}: '{name}' must be an integer or a list of integers");
    }

    public static int RequiredInt(JsonElement root, string name, string source)
        => OptionalInt(root, name, source) ?? throw new EdgeLlmException($"{source}: missing '{name}'");

    public static int? OptionalInt(JsonElement root, string name, string source)
    {
        if (!root.TryGetProperty(name, out JsonElement element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        int value = ToInt(element, name, source);
        return value;
    }

    public static double? OptionalDouble(JsonElement root, string name, string source)
    {
        if (!root.TryGetProperty(name, out JsonElement element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind == JsonValueKind.Number)
        {
            return element.GetDouble();
        }

        if (element.ValueKind == JsonValueKind.String && double.TryParse(element.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed))
        {
            return parsed;
        }

        throw new EdgeLlmException($"{source}: '{name}' must be a number, got {element.GetRawText()}");
    }

    public static bool? OptionalBool(JsonElement root, string name)
        => root.TryGetProperty(name, out JsonElement element) && element.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? element.GetBoolean()
            : null;

    public static string? OptionalString(JsonElement root, string name)
        => root.TryGetProperty(name, out JsonElement element) && element.ValueKind == JsonValueKind.String ? element.GetString() : null;

    private static int ToInt(JsonElement element, string name, string source)
    {
        if (element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out int value))
        {
            return value;
        }

        if (element.ValueKind == JsonValueKind.Number && element.TryGetDouble(out double real) && real == Math.Floor(real) && Math.Abs(real) <= int.MaxValue)
        {
            return (int)real;
        }

        throw new EdgeLlmException($"{source}: '{name}' must be an integer, got {element.GetRawText()}");
    }
}

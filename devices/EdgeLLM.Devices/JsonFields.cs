using System.Text.Json;
using EdgeLLM.Format;

namespace EdgeLLM.Devices;

/// <summary>
/// Reads typed fields out of a JsonDocument element with one-line errors that name the file and the
/// field ("raspberry-pi-4.json: 'max_context' must be a positive integer"). AOT-clean: no serializer.
/// </summary>
internal sealed class JsonFields(JsonElement element, string source)
{
    public string Source { get; } = source;

    public JsonElement Element { get; } = element;

    public static JsonFields Parse(JsonDocument document, string source)
        => document.RootElement.ValueKind == JsonValueKind.Object
            ? new JsonFields(document.RootElement, source)
            : throw new EdgeLlmException($"{source}: expected a JSON object at the top level");

    public bool Has(string name) => Element.TryGetProperty(name, out JsonElement value) && value.ValueKind != JsonValueKind.Null;

    public string RequireString(string name)
        => OptionalString(name) ?? throw Missing(name, "a string");

    public string? OptionalString(string name)
    {
        if (!Element.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw Invalid(name, "a string");
    }

    public long RequirePositiveInt64(string name)
        => OptionalPositiveInt64(name) ?? throw Missing(name, "a positive integer");

    public long? OptionalPositiveInt64(string name)
        => OptionalInt64(name) is { } value ? (value > 0 ? value : throw Invalid(name, "a positive integer")) : null;

    public long? OptionalInt64(string name)
    {
        if (!Element.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long number) ? number : throw Invalid(name, "an integer");
    }

    public int RequirePositiveInt32(string name)
    {
        long value = RequirePositiveInt64(name);
        return value <= int.MaxValue ? (int)value : throw Invalid(name, "a positive 32-bit integer");
    }

    public double? OptionalDouble(string name)
    {
        if (!Element.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number ? value.GetDouble() : throw Invalid(name, "a number");
    }

    public bool? OptionalBoolean(string name)
    {
        if (!Element.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : throw Invalid(name, "true or false");
    }

    public IReadOnlyList<string> OptionalStringArray(string name)
    {
        if (!Element.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(item => item.ValueKind != JsonValueKind.String))
        {
            throw Invalid(name, "an array of strings");
        }

        return [.. value.EnumerateArray().Select(item => item.GetString()!)];
    }

    public JsonFields? OptionalObject(string name)
    {
        if (!Element.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Object ? new JsonFields(value, Source) : throw Invalid(name, "an object");
    }

    public IReadOnlyList<JsonFields> OptionalObjectArray(string name)
    {
        if (!Element.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(item => item.ValueKind != JsonValueKind.Object))
        {
            throw Invalid(name, "an array of objects");
        }

        return [.. value.EnumerateArray().Select(item => new JsonFields(item, Source))];
    }

    public EdgeLlmException Invalid(string name, string expectation)
        => new($"{Source}: '{name}' must be {expectation}");

    public EdgeLlmException Missing(string name, string expectation)
        => new($"{Source}: missing '{name}' ({expectation})");
}

using System.Text.Json;

namespace EdgeLLM.Quantize.Files;

/// <summary>Reading the manifests EdgeLLM writes: a required property, or one <see cref="InvalidDataException"/> naming the file and the property.</summary>
public static class JsonFields
{
    public static JsonElement Required(JsonElement element, string name, string path)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value) && value.ValueKind != JsonValueKind.Null
            ? value
            : throw new InvalidDataException($"{path}: missing '{name}'");
}

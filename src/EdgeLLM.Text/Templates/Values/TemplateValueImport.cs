using System.Collections;
using System.Text.Json;
using EdgeLLM.Format;

namespace EdgeLLM.Text.Templates.Values;

/// <summary>
/// Converts what callers pass (strings, numbers, booleans, null, dictionaries, lists, <see cref="JsonElement"/>,
/// <see cref="ChatMessage"/>) into the template's own values: the template only ever sees copies of plain data.
/// </summary>
internal static class TemplateValueImport
{
    public static object? Import(object? value, int depth = 0)
    {
        if (depth > 64)
        {
            throw new EdgeLlmException("template variables nest deeper than 64 levels");
        }

        return value switch
        {
            null => null,
            string or bool or long or double => value,
            int or short or byte or sbyte or ushort or uint => Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture),
            float single => (double)single,
            decimal number => (double)number,
            JsonElement element => ImportJson(element, depth),
            ChatMessage message => ImportMessage(message, depth),
            IEnumerable<KeyValuePair<string, object?>> pairs => ImportPairs(pairs, depth),
            IDictionary dictionary => ImportPairs(dictionary.Cast<DictionaryEntry>().Select(entry => KeyValuePair.Create(
                entry.Key as string ?? throw new ArgumentException("template dictionary keys must be strings"), entry.Value)), depth),
            IEnumerable sequence => sequence.Cast<object?>().Select(item => Import(item, depth + 1)).ToList(),
            _ => throw new ArgumentException($"unsupported template variable type {value.GetType().Name}"),
        };
    }

    private static OrderedDictionary<string, object?> ImportPairs(IEnumerable<KeyValuePair<string, object?>> pairs, int depth)
    {
        var dictionary = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            dictionary[pair.Key] = Import(pair.Value, depth + 1);
        }

        return dictionary;
    }

    private static OrderedDictionary<string, object?> ImportMessage(ChatMessage message, int depth)
    {
        var dictionary = new OrderedDictionary<string, object?>(StringComparer.Ordinal)
        {
            ["role"] = message.Role,
            ["content"] = message.Content,
        };
        foreach (var field in message.Fields)
        {
            dictionary[field.Key] = Import(field.Value, depth + 1);
        }

        return dictionary;
    }

    private static object? ImportJson(JsonElement element, int depth)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return element.GetString();
            case JsonValueKind.Number:
                var raw = element.GetRawText();
                return raw.AsSpan().IndexOfAny(".eE") < 0 && element.TryGetInt64(out var integer) ? (object)integer : element.GetDouble();
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.Array:
                return element.EnumerateArray().Select(item => ImportJson(item, depth + 1)).ToList();
            case JsonValueKind.Object:
                var dictionary = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    dictionary[property.Name] = ImportJson(property.Value, depth + 1);
                }

                return dictionary;
            default:
                return null;
        }
    }
}

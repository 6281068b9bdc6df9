using System.Text.Json;
using EdgeLLM.Quantize.Files;

namespace EdgeLLM.Runtime.Text;

/// <summary>What EdgeLLM reads from tokenizer_config.json.</summary>
/// <param name="BeginningOfSequenceToken"><c>bos_token</c> (a string or an added-token object), or null.</param>
/// <param name="EndOfSequenceToken"><c>eos_token</c>, or null.</param>
/// <param name="AddBeginningOfSequence"><c>add_bos_token</c>, or null when absent.</param>
/// <param name="AddEndOfSequence"><c>add_eos_token</c>, or null when absent.</param>
/// <param name="ChatTemplate"><c>chat_template</c> (a string, or the "default" entry of a list), or null.</param>
internal sealed record TokenizerConfig(
    string? BeginningOfSequenceToken,
    string? EndOfSequenceToken,
    bool? AddBeginningOfSequence,
    bool? AddEndOfSequence,
    string? ChatTemplate)
{
    public static TokenizerConfig Empty { get; } = new(null, null, null, null, null);

    /// <summary>Reads tokenizer_config.json; a missing file is an empty configuration.</summary>
    public static TokenizerConfig Read(string path)
    {
        try
        {
            return ReadUnchecked(path);
        }
        catch (InvalidDataException exception) when (!MessageText.IsOneLine(exception.Message))
        {
            throw new InvalidDataException(MessageText.OneLine(exception.Message), exception);
        }
        catch (NotSupportedException exception) when (!MessageText.IsOneLine(exception.Message))
        {
            throw new NotSupportedException(MessageText.OneLine(exception.Message), exception);
        }
    }

    private static TokenizerConfig ReadUnchecked(string path)
    {
        if (!File.Exists(path))
        {
            return Empty;
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path));
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{path}: expected a JSON object");
            }

            return new TokenizerConfig(
                TokenText(root, "bos_token"),
                TokenText(root, "eos_token"),
                Flag(root, "add_bos_token"),
                Flag(root, "add_eos_token"),
                Template(root, path));
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({exception.Message})", exception);
        }
        catch (Exception exception) when (exception is InvalidOperationException or FormatException)
        {
            // A string that is not UTF-8, or a value of the wrong JSON kind: one line naming the file.
            throw new InvalidDataException($"{path}: {exception.Message}", exception);
        }
    }

    private static string? TokenText(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out JsonElement value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Object when value.TryGetProperty("content", out JsonElement content) => content.GetString(),
            _ => null,
        };
    }

    private static bool? Flag(JsonElement root, string name)
        => root.TryGetProperty(name, out JsonElement value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : null;

    private static string? Template(JsonElement root, string path)
    {
        if (!root.TryGetProperty("chat_template", out JsonElement value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString();
        }

        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException($"{path}: chat_template is a {value.ValueKind.ToString().ToLowerInvariant()}, expected a string or a list of {{\"name\", \"template\"}} objects");
        }

        string? first = null;
        int index = 0;
        foreach (JsonElement entry in value.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object
                || !entry.TryGetProperty("template", out JsonElement templateElement) || templateElement.ValueKind != JsonValueKind.String
                || (entry.TryGetProperty("name", out JsonElement named) && named.ValueKind is not (JsonValueKind.String or JsonValueKind.Null)))
            {
                throw new InvalidDataException(MessageText.OneLine($"{path}: chat_template[{index}] is {entry.GetRawText()}, expected an object with a string \"template\" (and a string \"name\")"));
            }

            index++;
            string? name = entry.TryGetProperty("name", out JsonElement nameElement) && nameElement.ValueKind == JsonValueKind.String ? nameElement.GetString() : null;
            string? template = templateElement.GetString();
            if (name == "default")
            {
                return template;
            }

            first ??= template;
        }

        return first;
    }
}

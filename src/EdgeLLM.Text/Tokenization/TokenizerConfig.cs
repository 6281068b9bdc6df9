using System.Text.Json;
using EdgeLLM.Format.Files;
using EdgeLLM.Format;

namespace EdgeLLM.Text.Tokenization;

/// <summary>
/// What EdgeLLM reads from tokenizer_config.json — the one reader the tokenizer, the chat template and the GGUF writer
/// share: the special tokens (<c>bos_token</c>, <c>eos_token</c>, <c>unk_token</c>, <c>sep_token</c>, <c>pad_token</c>,
/// <c>cls_token</c>, <c>mask_token</c>: a string or an added-token object with a string <c>content</c>), the
/// <c>add_*_token</c> flags, and <c>chat_template</c> (a string, or a list of <c>{name, template}</c> whose "default"
/// entry is the template, as transformers chooses it). A value of the wrong shape is one line naming the file and field.
/// </summary>
public sealed class TokenizerConfig
{
    /// <summary>The special-token kinds tokenizer_config.json may name (<c>{kind}_token</c>, <c>add_{kind}_token</c>).</summary>
    public static IReadOnlyList<string> SpecialTokenKinds { get; } = ["bos", "eos", "unk", "sep", "pad", "cls", "mask"];

    private readonly Dictionary<string, string> _tokens;
    private readonly Dictionary<string, bool> _addFlags;

    private TokenizerConfig(Dictionary<string, string> tokens, Dictionary<string, bool> addFlags, string? chatTemplate, IReadOnlyList<string> templateNames)
    {
        _tokens = tokens;
        _addFlags = addFlags;
        ChatTemplate = chatTemplate;
        ChatTemplateNames = templateNames;
    }

    /// <summary>No tokenizer_config.json: no special tokens, no flags, no template.</summary>
    public static TokenizerConfig Empty { get; } = new([], [], null, []);

    /// <summary><c>bos_token</c>, or null.</summary>
    public string? BeginningOfSequenceToken => SpecialToken("bos");

    /// <summary><c>eos_token</c>, or null.</summary>
    public string? EndOfSequenceToken => SpecialToken("eos");

    /// <summary><c>add_bos_token</c>, or null when absent.</summary>
    public bool? AddBeginningOfSequence => AddsSpecialToken("bos");

    /// <summary><c>add_eos_token</c>, or null when absent.</summary>
    public bool? AddEndOfSequence => AddsSpecialToken("eos");

    /// <summary><c>chat_template</c>: the string, or the list's entry named "default"; null when there is none.</summary>
    public string? ChatTemplate { get; }

    /// <summary>The names of a list-form <c>chat_template</c> (empty for the string form or none).</summary>
    public IReadOnlyList<string> ChatTemplateNames { get; }

    /// <summary>The content of <c>{kind}_token</c> (kind: one of <see cref="SpecialTokenKinds"/>), or null.</summary>
    public string? SpecialToken(string kind) => _tokens.GetValueOrDefault(kind);

    /// <summary><c>add_{kind}_token</c>, or null when absent (or not a boolean).</summary>
    public bool? AddsSpecialToken(string kind) => _addFlags.TryGetValue(kind, out bool value) ? value : null;

    /// <summary>Reads tokenizer_config.json; a missing file is an empty configuration.</summary>
    public static TokenizerConfig Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return MessageText.InOneLine(() =>
        {
            if (!File.Exists(path))
            {
                return Empty;
            }

            using JsonDocument document = JsonFile.Parse(path);
            return Parse(document.RootElement, path);
        });
    }

    /// <summary>Reads a parsed tokenizer_config.json; <paramref name="sourceName"/> begins every error message.</summary>
    public static TokenizerConfig Parse(JsonElement root, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(sourceName);
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new EdgeLlmException($"{sourceName}: expected a JSON object");
        }

        try
        {
            Dictionary<string, string> tokens = new(StringComparer.Ordinal);
            Dictionary<string, bool> addFlags = new(StringComparer.Ordinal);
            foreach (string kind in SpecialTokenKinds)
            {
                if (TokenText(root, $"{kind}_token", sourceName) is { } content)
                {
                    tokens[kind] = content;
                }

                if (root.TryGetProperty($"add_{kind}_token", out JsonElement flag) && flag.ValueKind is JsonValueKind.True or JsonValueKind.False)
                {
                    addFlags[kind] = flag.GetBoolean();
                }
            }

            (string? template, IReadOnlyList<string> names) = Template(root, sourceName);
            return new TokenizerConfig(tokens, addFlags, template, names);
        }
        catch (Exception exception) when (exception is InvalidOperationException or FormatException)
        {
            // A string that is not UTF-8: one line naming the file.
            throw new EdgeLlmException($"{sourceName}: {exception.Message}", exception);
        }
    }

    private static string? TokenText(JsonElement root, string name, string sourceName)
    {
        if (!root.TryGetProperty(name, out JsonElement value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Object when value.TryGetProperty("content", out JsonElement content) && content.ValueKind == JsonValueKind.String => content.GetString(),
            _ => throw new EdgeLlmException(MessageText.OneLine($"{sourceName}: {name} must be a string or an object with \"content\", not {value.GetRawText()}")),
        };
    }

    private static (string? Template, IReadOnlyList<string> Names) Template(JsonElement root, string sourceName)
    {
        if (!root.TryGetProperty("chat_template", out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return (null, []);
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return (value.GetString(), []);
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new EdgeLlmException($"{sourceName}: chat_template is a {value.ValueKind.ToString().ToLowerInvariant()}, expected a string or a list of {{\"name\", \"template\"}} objects");
        }

        string? chosen = null;
        List<string> names = [];
        int index = 0;
        foreach (JsonElement entry in value.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object
                || !entry.TryGetProperty("template", out JsonElement templateElement) || templateElement.ValueKind != JsonValueKind.String
                || (entry.TryGetProperty("name", out JsonElement named) && named.ValueKind is not (JsonValueKind.String or JsonValueKind.Null)))
            {
                throw new EdgeLlmException(MessageText.OneLine($"{sourceName}: chat_template[{index}] is {entry.GetRawText()}, expected an object with a string \"template\" (and a string \"name\")"));
            }

            index++;
            string name = entry.TryGetProperty("name", out JsonElement nameElement) && nameElement.ValueKind == JsonValueKind.String ? nameElement.GetString()! : string.Empty;
            names.Add(name);
            if (name == "default")
            {
                chosen ??= templateElement.GetString();
            }
        }

        return (chosen, names);
    }
}

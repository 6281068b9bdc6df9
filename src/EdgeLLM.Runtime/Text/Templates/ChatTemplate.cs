using System.Text.Json;

namespace EdgeLLM.Runtime.Text.Templates;

/// <summary>
/// A model's chat template from its tokenizer_config.json, rendered the way transformers'
/// <c>apply_chat_template</c> does: variables <c>messages</c>, <c>add_generation_prompt</c>, <c>bos_token</c> and
/// <c>eos_token</c> (undefined when the config has none), <c>tools</c> and <c>documents</c> (None unless given), plus caller variables
/// such as <c>enable_thinking</c>.
/// </summary>
public sealed class ChatTemplate
{
    private readonly Template _template;

    private ChatTemplate(Template template, string source, string? bosToken, string? eosToken, TimeProvider clock)
    {
        _template = template;
        Source = source;
        BosToken = bosToken;
        EosToken = eosToken;
        Clock = clock;
    }

    public string Source { get; }

    public string? BosToken { get; }

    public string? EosToken { get; }

    /// <summary>The clock <c>strftime_now</c> reads (Llama 3.x system prompts print today's date).</summary>
    public TimeProvider Clock { get; }

    public static ChatTemplate Create(string source, string? bosToken, string? eosToken, TemplateLimits? limits = null) =>
        new(Template.Parse(source, limits), source, bosToken, eosToken, TimeProvider.System);

    /// <summary>The same template reading dates from <paramref name="clock"/> (tests, reproducible prompts).</summary>
    public ChatTemplate WithClock(TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return new ChatTemplate(_template, Source, BosToken, EosToken, clock);
    }

    /// <summary>Reads <c>chat_template</c>, <c>bos_token</c> and <c>eos_token</c> from a tokenizer_config.json file.</summary>
    public static ChatTemplate FromTokenizerConfig(string path, TemplateLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            return FromTokenizerConfig(document.RootElement, path, limits);
        }
        catch (JsonException error)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({error.Message})", error);
        }
    }

    /// <summary>
    /// Builds from a parsed tokenizer_config.json. <c>chat_template</c> is a string or a list of
    /// <c>{name, template}</c> (the one named "default" is used); tokens are strings or <c>{content: ...}</c> objects.
    /// </summary>
    public static ChatTemplate FromTokenizerConfig(JsonElement config, string sourceName, TemplateLimits? limits = null)
    {
        if (config.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{sourceName}: expected a JSON object");
        }

        var source = ReadTemplateSource(config, sourceName);
        try
        {
            return new ChatTemplate(Template.Parse(source, limits), source, ReadToken(config, "bos_token", sourceName), ReadToken(config, "eos_token", sourceName), TimeProvider.System);
        }
        catch (TemplateException error)
        {
            throw new TemplateException($"{sourceName}: chat_template: {error.Message}", error);
        }
    }

    private static string ReadTemplateSource(JsonElement config, string sourceName)
    {
        if (!config.TryGetProperty("chat_template", out var template) || template.ValueKind == JsonValueKind.Null)
        {
            throw new InvalidDataException($"{sourceName}: no chat_template");
        }

        if (template.ValueKind == JsonValueKind.String)
        {
            return template.GetString()!;
        }

        if (template.ValueKind == JsonValueKind.Array)
        {
            foreach (var entry in template.EnumerateArray())
            {
                if (entry.ValueKind == JsonValueKind.Object
                    && entry.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String && name.GetString() == "default"
                    && entry.TryGetProperty("template", out var text) && text.ValueKind == JsonValueKind.String)
                {
                    return text.GetString()!;
                }
            }

            throw new InvalidDataException($"{sourceName}: chat_template lists no template named \"default\"");
        }

        throw new InvalidDataException($"{sourceName}: chat_template must be a string or a list of {{name, template}}, not {template.ValueKind}");
    }

    private static string? ReadToken(JsonElement config, string name, string sourceName)
    {
        if (!config.TryGetProperty(name, out var token))
        {
            return null;
        }

        return token.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.String => token.GetString(),
            JsonValueKind.Object when token.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String => content.GetString(),
            _ => throw new InvalidDataException($"{sourceName}: {name} must be a string or an object with \"content\""),
        };
    }

    /// <summary>
    /// Renders <paramref name="messages"/>. <paramref name="variables"/> add or override template variables
    /// (<c>tools</c>, <c>enable_thinking</c>, ...).
    /// </summary>
    public string Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt, IReadOnlyDictionary<string, object?>? variables = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var all = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["messages"] = messages,
            ["add_generation_prompt"] = addGenerationPrompt,
            ["tools"] = null,
            ["documents"] = null,
        };
        if (BosToken is not null)
        {
            all["bos_token"] = BosToken;
        }

        if (EosToken is not null)
        {
            all["eos_token"] = EosToken;
        }

        if (variables is not null)
        {
            foreach (var variable in variables)
            {
                all[variable.Key] = variable.Value;
            }
        }

        return _template.Render(all, Clock, cancellation);
    }
}

using System.Text.Json;
using EdgeLLM.Format.Files;
using EdgeLLM.Format;
using EdgeLLM.Text.Tokenization;

namespace EdgeLLM.Text.Templates;

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
        using JsonDocument document = JsonFile.Parse(path);
        return FromTokenizerConfig(document.RootElement, path, limits);
    }

    /// <summary>
    /// Builds from a parsed tokenizer_config.json, read by <see cref="TokenizerConfig"/>: <c>chat_template</c> is a string
    /// or a list of <c>{name, template}</c> (the one named "default" is used); tokens are strings or <c>{content: ...}</c> objects.
    /// </summary>
    public static ChatTemplate FromTokenizerConfig(JsonElement config, string sourceName, TemplateLimits? limits = null)
        => FromTokenizerConfig(TokenizerConfig.Parse(config, sourceName), sourceName, limits);

    /// <summary>Builds from what <see cref="TokenizerConfig"/> read; <paramref name="sourceName"/> begins every error message.</summary>
    public static ChatTemplate FromTokenizerConfig(TokenizerConfig config, string sourceName, TemplateLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        string source = config.ChatTemplate
            ?? throw new EdgeLlmException(config.ChatTemplateNames.Count > 0
                ? $"{sourceName}: chat_template lists no template named \"default\""
                : $"{sourceName}: no chat_template");
        try
        {
            return new ChatTemplate(Template.Parse(source, limits), source, config.BeginningOfSequenceToken, config.EndOfSequenceToken, TimeProvider.System);
        }
        catch (TemplateException error)
        {
            throw new TemplateException($"{sourceName}: chat_template: {error.Message}", error);
        }
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

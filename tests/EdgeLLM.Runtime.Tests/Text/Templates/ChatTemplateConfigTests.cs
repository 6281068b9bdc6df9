using System.Text.Json;
using EdgeLLM.Format;
using EdgeLLM.Tests.Shared;
using EdgeLLM.Text.Templates;

namespace EdgeLLM.Runtime.Tests.Text.Templates;

/// <summary>Reading chat_template and the special tokens from the shapes tokenizer_config.json files take.</summary>
public sealed class ChatTemplateConfigTests
{
    private const string Echo = "{{ bos_token }}{% for m in messages %}[{{ m.role }}:{{ m.content }}]{% endfor %}{{ eos_token }}{% if add_generation_prompt %}>{% endif %}";

    private static ChatTemplate FromJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        return ChatTemplate.FromTokenizerConfig(document.RootElement, "tokenizer_config.json");
    }

    [Fact]
    public void PicksTheDefaultFromANamedList()
    {
        var template = FromJson($$"""
            {"chat_template": [{"name": "tool_use", "template": "tools"}, {"name": "default", "template": {{JsonSerializer.Serialize(Echo)}}}],
             "bos_token": {"content": "<s>", "lstrip": false}, "eos_token": "</s>"}
            """);

        Assert.Equal("<s>[user:hi]</s>>", template.Render([new ChatMessage("user", "hi")], addGenerationPrompt: true));
    }

    [Fact]
    public void AbsentTokensAreUndefinedInTheTemplate()
    {
        var template = FromJson("""{"chat_template": "{{ bos_token is defined }}|{{ eos_token }}|{{ tools is none }}", "bos_token": null}""");

        Assert.Equal("False|<e>|True", template.Render([], addGenerationPrompt: false, new Dictionary<string, object?> { ["eos_token"] = "<e>" }));
    }

    [Fact]
    public void MessageFieldsAreDictKeysAndAbsentOnesAreUndefined()
    {
        var template = ChatTemplate.Create(
            "{% for m in messages %}{{ m['role'] }}|{{ m.content is none }}|{{ m.tool_calls is defined }}|{{ m.tool_calls | length }}|{{ m.name | default('-') }};{% endfor %}",
            bosToken: null,
            eosToken: null);
        var toolCalls = JsonDocument.Parse("""[{"type": "function", "function": {"name": "f", "arguments": {"x": 1}}}]""").RootElement;
        ChatMessage[] messages =
        [
            new("user", "hi"),
            new("assistant", null) { Fields = new Dictionary<string, object?> { ["tool_calls"] = toolCalls } },
            new("tool", "42") { Fields = new Dictionary<string, object?> { ["name"] = "f" } },
        ];

        Assert.Equal("user|False|False|0|-;assistant|True|True|1|-;tool|False|False|0|f;", template.Render(messages, addGenerationPrompt: false));
    }

    [Theory]
    [InlineData("""{"bos_token": "<s>"}""", "tokenizer_config.json: no chat_template")]
    [InlineData("""{"chat_template": [{"name": "tool_use", "template": "x"}]}""", "no template named \"default\"")]
    [InlineData("""{"chat_template": 3}""", "chat_template is a number, expected a string or a list")]
    [InlineData("""{"chat_template": "x", "eos_token": 5}""", "eos_token must be a string or an object with \"content\"")]
    [InlineData("""[1, 2]""", "expected a JSON object")]
    public void RefusesConfigsWithoutAUsableTemplate(string json, string message)
    {
        var error = Assert.Throws<EdgeLlmException>(() => FromJson(json));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ATemplateSyntaxErrorNamesTheFileAndPosition()
    {
        using var folder = TestPaths.CreateTemp();
        var path = Path.Combine(folder.Path, "tokenizer_config.json");
        File.WriteAllText(path, """{"chat_template": "{% for m in messages %}\n{% include 'x' %}{% endfor %}"}""");

        var error = Assert.Throws<TemplateException>(() => ChatTemplate.FromTokenizerConfig(path));

        Assert.Equal($"{path}: chat_template: chat template 2:4: unsupported tag 'include' (chat templates are rendered without a loader)", error.Message);
    }

    [Fact]
    public void InvalidJsonNamesTheFile()
    {
        using var folder = TestPaths.CreateTemp();
        var path = Path.Combine(folder.Path, "tokenizer_config.json");
        File.WriteAllText(path, "{\"chat_template\": ");

        var error = Assert.Throws<EdgeLlmException>(() => ChatTemplate.FromTokenizerConfig(path));

        Assert.StartsWith($"{path}: not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StrftimeNowReadsTheGivenClock()
    {
        var template = ChatTemplate.Create("{{ strftime_now('%d %b %Y') }}|{{ strftime_now('%Y-%m-%d %H:%M:%S %A %B %p %j') }}", null, null)
            .WithClock(new FixedClock(new DateTimeOffset(2026, 7, 4, 15, 5, 9, TimeSpan.Zero)));

        Assert.Equal("04 Jul 2026|2026-07-04 15:05:09 Saturday July PM 185", template.Render([], addGenerationPrompt: false));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;

        public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
    }
}

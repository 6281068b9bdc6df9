using System.Text.Json;
using EdgeLLM.Tests.Shared;
using EdgeLLM.Text.Templates;

namespace EdgeLLM.Runtime.Tests.Text.Templates;

/// <summary>
/// Compares the engine with Jinja2 itself: tests/Fixtures/template-reference.json holds, for each case, what
/// Jinja2 printed (configured as transformers configures it; see tests/tools/make_template_reference.py).
/// </summary>
public sealed class JinjaReferenceTests
{
    private static readonly Lazy<JsonDocument> Reference = new(() => JsonDocument.Parse(File.ReadAllBytes(TestPaths.Fixture("template-reference.json"))));

    private static JsonElement Case(string section, string name) =>
        Reference.Value.RootElement.GetProperty(section).EnumerateArray().Single(entry => entry.GetProperty("name").GetString() == name);

    private static TheoryData<string> Names(string section)
    {
        var names = new TheoryData<string>();
        foreach (var entry in Reference.Value.RootElement.GetProperty(section).EnumerateArray())
        {
            names.Add(entry.GetProperty("name").GetString()!);
        }

        return names;
    }

    public static TheoryData<string> RenderCases() => Names("cases");

    public static TheoryData<string> ErrorCases() => Names("errors");

    public static TheoryData<string> ChatCases() => Names("chats");

    private static Dictionary<string, object?> Variables(JsonElement entry) =>
        entry.GetProperty("variables").EnumerateObject().ToDictionary(property => property.Name, property => (object?)property.Value.Clone());

    [Theory]
    [MemberData(nameof(RenderCases))]
    public void RendersWhatJinjaRenders(string name)
    {
        var entry = Case("cases", name);

        var rendered = Template.Parse(entry.GetProperty("template").GetString()!).Render(Variables(entry));

        Assert.Equal(entry.GetProperty("expected").GetString(), rendered);
    }

    [Theory]
    [MemberData(nameof(ErrorCases))]
    public void FailsWhereJinjaFails(string name)
    {
        var entry = Case("errors", name);

        var error = Assert.Throws<TemplateException>(() => Template.Parse(entry.GetProperty("template").GetString()!).Render(Variables(entry)));

        Assert.NotNull(error.Position);
        Assert.Equal(1, error.Position.Value.Line);
    }

    /// <summary>400 random nests of tags, comments, raw blocks and whitespace with random -/+ signs.</summary>
    [Fact]
    public void ControlsWhitespaceLikeJinjaUnderTrimAndLstripBlocks()
    {
        var cases = Reference.Value.RootElement.GetProperty("whitespace").EnumerateArray().ToList();

        Assert.Equal(400, cases.Count);
        foreach (var entry in cases)
        {
            var source = entry.GetProperty("template").GetString()!;
            var rendered = Template.Parse(source).Render(new Dictionary<string, object?>());
            Assert.True(entry.GetProperty("expected").GetString() == rendered, $"template {JsonSerializer.Serialize(source)} rendered {JsonSerializer.Serialize(rendered)}");
        }
    }

    [Theory]
    [MemberData(nameof(ChatCases))]
    public void RendersConversationsLikeTransformers(string name)
    {
        var entry = Case("chats", name);
        var messages = entry.GetProperty("messages").EnumerateArray().Select(message => new ChatMessage(
            message.GetProperty("role").GetString()!,
            message.GetProperty("content").GetString())
        {
            Fields = message.EnumerateObject()
                .Where(property => property.Name is not ("role" or "content"))
                .ToDictionary(property => property.Name, property => (object?)property.Value.Clone()),
        }).ToList();
        var template = ChatTemplate.FromTokenizerConfig(TestPaths.Fixture("tokenizers", entry.GetProperty("tokenizer").GetString()!, "tokenizer_config.json"));

        var rendered = template.Render(messages, entry.GetProperty("add_generation_prompt").GetBoolean(), Variables(entry));

        Assert.Equal(entry.GetProperty("expected").GetString(), rendered);
    }
}

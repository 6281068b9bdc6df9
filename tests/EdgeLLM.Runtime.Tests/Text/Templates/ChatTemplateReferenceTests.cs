using System.Text.Json;
using EdgeLLM.Tests.Shared;
using EdgeLLM.Text.Templates;

namespace EdgeLLM.Runtime.Tests.Text.Templates;

/// <summary>
/// Renders each model's real chat_template with the reference conversations from tokenizer-reference.json
/// and compares the text byte for byte with what the reference renderer printed.
/// </summary>
public sealed class ChatTemplateReferenceTests
{
    public static TheoryData<string, int> Chats() => new()
    {
        { "r1-distill-qwen", 0 },
        { "r1-distill-qwen", 1 },
        { "qwen3", 0 },
        { "qwen3", 1 },
        { "llama31", 0 },
        { "llama31", 1 },
    };

    [Theory]
    [MemberData(nameof(Chats))]
    public void RendersTheReferenceTextExactly(string tokenizer, int chatIndex)
    {
        using var reference = JsonDocument.Parse(File.ReadAllBytes(TestPaths.Fixture("tokenizer-reference.json")));
        var chat = reference.RootElement.GetProperty(tokenizer).GetProperty("chats")[chatIndex];
        var messages = chat.GetProperty("messages").EnumerateArray()
            .Select(message => new ChatMessage(message.GetProperty("role").GetString()!, message.GetProperty("content").GetString()))
            .ToList();
        var template = ChatTemplate.FromTokenizerConfig(TestPaths.Fixture("tokenizers", tokenizer, "tokenizer_config.json"));

        var rendered = template.Render(messages, chat.GetProperty("add_generation_prompt").GetBoolean());

        Assert.Equal(chat.GetProperty("rendered").GetString(), rendered);
    }

    [Fact]
    public void ReadsTheSpecialTokensFromTheConfig()
    {
        var r1 = ChatTemplate.FromTokenizerConfig(TestPaths.Fixture("tokenizers", "r1-distill-qwen", "tokenizer_config.json"));
        var qwen3 = ChatTemplate.FromTokenizerConfig(TestPaths.Fixture("tokenizers", "qwen3", "tokenizer_config.json"));

        Assert.Equal("<｜begin▁of▁sentence｜>", r1.BosToken);
        Assert.Equal("<｜end▁of▁sentence｜>", r1.EosToken);
        Assert.Null(qwen3.BosToken);
        Assert.Equal("<|im_end|>", qwen3.EosToken);
    }
}

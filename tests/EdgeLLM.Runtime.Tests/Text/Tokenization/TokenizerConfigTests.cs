using System.Text.Json;
using EdgeLLM.Format;
using EdgeLLM.Tests.Shared;
using EdgeLLM.Text.Templates;
using EdgeLLM.Text.Tokenization;

namespace EdgeLLM.Runtime.Tests.Text.Tokenization;

/// <summary>
/// The one tokenizer_config.json reader: the special tokens, add flags and chat template of the three reference models'
/// real files (values as in the files), and the shapes transformers accepts or refuses.
/// </summary>
public sealed class TokenizerConfigTests
{
    [Theory]
    [InlineData("llama31", "<|begin_of_text|>", "<|eot_id|>", null, null, null)]
    [InlineData("qwen3", null, "<|im_end|>", "<|endoftext|>", false, null)]
    [InlineData("r1-distill-qwen", "<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>", "<｜end▁of▁sentence｜>", true, false)]
    public void ReadsTheReferenceModelsConfigs(string model, string? bos, string? eos, string? pad, bool? addBos, bool? addEos)
    {
        string path = Path.Combine(TestPaths.Tokenizer(model), "tokenizer_config.json");
        TokenizerConfig config = TokenizerConfig.Read(path);

        Assert.Equal(bos, config.BeginningOfSequenceToken);
        Assert.Equal(eos, config.EndOfSequenceToken);
        Assert.Equal(pad, config.SpecialToken("pad"));
        Assert.Null(config.SpecialToken("unk"));
        Assert.Equal(addBos, config.AddBeginningOfSequence);
        Assert.Equal(addEos, config.AddEndOfSequence);
        using JsonDocument raw = JsonDocument.Parse(File.ReadAllText(path));
        Assert.Equal(raw.RootElement.GetProperty("chat_template").GetString(), config.ChatTemplate);
        Assert.Empty(config.ChatTemplateNames);

        // The template, the tokenizer and the reader agree: one reading.
        ChatTemplate template = ChatTemplate.FromTokenizerConfig(path);
        TextTokenizer tokenizer = TokenizerLoader.Load(TestPaths.Tokenizer(model));
        Assert.Equal(config.ChatTemplate, template.Source);
        Assert.Equal(config.ChatTemplate, tokenizer.ChatTemplate);
        Assert.Equal(bos, template.BosToken);
        Assert.Equal(bos, tokenizer.BeginningOfSequenceToken);
        Assert.Equal(eos, template.EosToken);
    }

    [Fact]
    public void AListPicksTheEntryNamedDefault()
    {
        TokenizerConfig config = Parse("""{"chat_template": [{"name": "tool_use", "template": "T"}, {"name": "default", "template": "D"}, {"name": "rag", "template": "R"}]}""");

        Assert.Equal("D", config.ChatTemplate);
        Assert.Equal(["tool_use", "default", "rag"], config.ChatTemplateNames);
    }

    [Fact]
    public void AListWithoutADefaultHasNoTemplateAsInTransformers()
    {
        TokenizerConfig config = Parse("""{"chat_template": [{"name": "tool_use", "template": "T"}]}""");

        Assert.Null(config.ChatTemplate);
        Assert.Equal(["tool_use"], config.ChatTemplateNames);
        EdgeLlmException error = Assert.Throws<EdgeLlmException>(() => ChatTemplate.FromTokenizerConfig(config, "tokenizer_config.json"));
        Assert.Equal("tokenizer_config.json: chat_template lists no template named \"default\"", error.Message);
    }

    [Fact]
    public void TokensAreStringsOrAddedTokenObjectsAndFlagsAreBooleans()
    {
        TokenizerConfig config = Parse("""{"bos_token": {"content": "<s>", "lstrip": false}, "sep_token": "</s>", "mask_token": null, "add_bos_token": true, "add_sep_token": "yes"}""");

        Assert.Equal("<s>", config.SpecialToken("bos"));
        Assert.Equal("</s>", config.SpecialToken("sep"));
        Assert.Null(config.SpecialToken("mask"));
        Assert.True(config.AddsSpecialToken("bos"));
        Assert.Null(config.AddsSpecialToken("sep"));
        Assert.Null(config.ChatTemplate);
    }

    [Theory]
    [InlineData("""{"pad_token": 7}""", "tokenizer_config.json: pad_token must be a string or an object with \"content\", not 7")]
    [InlineData("""{"unk_token": {"content": 1}}""", "tokenizer_config.json: unk_token must be a string or an object with \"content\", not {\"content\": 1}")]
    [InlineData("""{"chat_template": true}""", "tokenizer_config.json: chat_template is a true, expected a string or a list of {\"name\", \"template\"} objects")]
    public void AWrongShapeIsOneLineNamingTheField(string json, string expected)
    {
        EdgeLlmException error = Assert.Throws<EdgeLlmException>(() => Parse(json));
        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void AMissingFileIsAnEmptyConfiguration()
    {
        using TempFolder folder = TestPaths.CreateTemp();

        TokenizerConfig config = TokenizerConfig.Read(Path.Combine(folder.Path, "tokenizer_config.json"));

        Assert.Same(TokenizerConfig.Empty, config);
    }

    private static TokenizerConfig Parse(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        return TokenizerConfig.Parse(document.RootElement, "tokenizer_config.json");
    }
}

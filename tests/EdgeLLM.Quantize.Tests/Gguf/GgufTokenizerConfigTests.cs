using EdgeLLM.Format;
using EdgeLLM.Quantize.Gguf;
using EdgeLLM.Tests.Shared;
using EdgeLLM.Text.Tokenization;

namespace EdgeLLM.Quantize.Tests.Gguf;

/// <summary>
/// The GGUF writer reads tokenizer_config.json through EdgeLLM.Text's one reader: a list-form chat_template gives its
/// "default" entry (as transformers and gguf-py pick it), and a special token of the wrong shape is one line naming the file.
/// </summary>
public sealed class GgufTokenizerConfigTests
{
    [Fact]
    public void AListFormChatTemplateWritesItsDefaultEntry()
    {
        using TempFolder folder = Qwen3Folder("""{"eos_token": "<|im_end|>", "chat_template": [{"name": "tool_use", "template": "T"}, {"name": "default", "template": "D{{ x }}"}]}""");
        GgufMetadata metadata = new();

        GgufTokenizerMetadata.Add(metadata, folder.Path, TokenizerLoader.Load(folder.Path).VocabularySize);

        Assert.Contains(Entry("tokenizer.chat_template", "D{{ x }}"), Encoded(metadata), StringComparison.Ordinal);
        Assert.Equal(GgufValueType.String, metadata.TypeOf("tokenizer.chat_template"));
    }

    [Fact]
    public void ASpecialTokenOfTheWrongShapeNamesTheFile()
    {
        using TempFolder folder = Qwen3Folder("""{"eos_token": ["<|im_end|>"]}""");

        EdgeLlmException error = Assert.Throws<EdgeLlmException>(() => GgufTokenizerMetadata.Add(new GgufMetadata(), folder.Path, 151669));

        Assert.Equal($"{Path.Combine(folder.Path, "tokenizer_config.json")}: eos_token must be a string or an object with \"content\", not [\"<|im_end|>\"]", error.Message);
    }

    private static TempFolder Qwen3Folder(string tokenizerConfig)
    {
        TempFolder folder = TestPaths.CreateTemp();
        File.Copy(Path.Combine(TestPaths.Tokenizer("qwen3"), "tokenizer.json"), Path.Combine(folder.Path, "tokenizer.json"));
        File.WriteAllText(Path.Combine(folder.Path, "tokenizer_config.json"), tokenizerConfig);
        return folder;
    }

    private static string Encoded(GgufMetadata metadata)
    {
        using MemoryStream stream = new();
        using (BinaryWriter writer = new(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            metadata.WriteTo(writer);
        }

        return Convert.ToHexString(stream.ToArray());
    }

    // A GGUF key/value entry as the file holds it: key, value type (uint32), string value.
    private static string Entry(string key, string value)
    {
        using MemoryStream stream = new();
        using (BinaryWriter writer = new(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            GgufMetadata.WriteString(writer, key);
            writer.Write((uint)GgufValueType.String);
            GgufMetadata.WriteString(writer, value);
        }

        return Convert.ToHexString(stream.ToArray());
    }
}

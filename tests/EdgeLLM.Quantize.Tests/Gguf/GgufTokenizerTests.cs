using System.Text.Json;
using EdgeLLM.Quantize.Gguf;
using EdgeLLM.Quantize.Tests.Architectures;
using EdgeLLM.Tests.Shared;
using Xunit.Abstractions;

namespace EdgeLLM.Quantize.Tests.Gguf;

/// <summary>
/// llama.cpp's tokenizer, built from our GGUF's tokenizer metadata alone, against the tokenizer reference
/// (tests/Fixtures/tokenizer-reference.json: the ids our own tokenizer is tested to produce): the 16 hard
/// strings without and with special tokens, and the rendered chat conversations.
/// </summary>
[Collection(nameof(LlamaCppCollection))]
public sealed class GgufTokenizerTests(ExportedTinyModels models, ITestOutputHelper output)
{
    /// <summary>Set to a GGUF export of the synthetic R1-Distill-Qwen-1.5B to run the same checks on it (and a short generation).</summary>
    public const string LargeModelVariable = "EDGELLM_GGUF_R1_1_5B";

    [Theory]
    [InlineData(TinyModels.Qwen2, "r1-distill-qwen")]
    [InlineData(TinyModels.Llama31, "llama31")]
    [InlineData(TinyModels.Qwen3, "qwen3")]
    public void LlamaCppTokenizesTheReferenceStringsAndChatsLikeTheReference(string model, string tokenizer)
    {
        using LlamaCppModel llama = LlamaCpp.Load(models.Path(model, GgufExportType.F16));
        AssertReferenceTokenization(llama, tokenizer);
    }

    [Fact]
    public void TheSynthetic1_5BExportLoadsTokenizesAndGenerates()
    {
        string? path = Environment.GetEnvironmentVariable(LargeModelVariable);
        if (string.IsNullOrEmpty(path))
        {
            output.WriteLine($"skipped: set {LargeModelVariable} to a GGUF export of the synthetic r1-distill-qwen-1.5b (edgellm gguf export ... --type q4_0)");
            return;
        }

        using LlamaCppModel llama = LlamaCpp.Load(path, contextSize: 512);
        int checkedCount = AssertReferenceTokenization(llama, "r1-distill-qwen");
        int[] prompt = llama.Tokenize("<｜begin▁of▁sentence｜><｜User｜>What is 2+2? Answer briefly.<｜Assistant｜><think>\n", addSpecial: false);
        float[] logits = llama.Decode(prompt, 0)[^1];
        var generated = new List<int>();
        for (int step = 0; step < 16; step++)
        {
            int token = LogitChecks.ArgMax(logits);
            generated.Add(token);
            logits = llama.Decode([token], prompt.Length + step)[0];
        }

        Assert.All(generated, token => Assert.InRange(token, 0, llama.VocabularySize - 1));
        output.WriteLine($"{path}: {checkedCount} reference tokenizations equal; prompt {prompt.Length} ids, 16 greedy tokens: {string.Join(' ', generated)}");
    }

    private int AssertReferenceTokenization(LlamaCppModel llama, string tokenizer)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(TestPaths.Fixture("tokenizer-reference.json")));
        JsonElement reference = document.RootElement.GetProperty(tokenizer);
        int count = 0;
        foreach (JsonElement item in reference.GetProperty("texts").EnumerateArray())
        {
            string text = item.GetProperty("text").GetString()!;
            Assert.True(Ids(item, "ids").SequenceEqual(llama.Tokenize(text, addSpecial: false)), $"{tokenizer}: {JsonSerializer.Serialize(text)} without special tokens");
            Assert.True(Ids(item, "ids_with_special").SequenceEqual(llama.Tokenize(text, addSpecial: true)), $"{tokenizer}: {JsonSerializer.Serialize(text)} with special tokens");
            count += 2;
        }

        foreach (JsonElement chat in reference.GetProperty("chats").EnumerateArray())
        {
            Assert.Equal(Ids(chat, "ids"), llama.Tokenize(chat.GetProperty("rendered").GetString()!, addSpecial: false));
            count++;
        }

        output.WriteLine($"{tokenizer}: {count} tokenizations equal to the reference");
        return count;
    }

    private static int[] Ids(JsonElement item, string name) => item.GetProperty(name).EnumerateArray().Select(id => id.GetInt32()).ToArray();
}

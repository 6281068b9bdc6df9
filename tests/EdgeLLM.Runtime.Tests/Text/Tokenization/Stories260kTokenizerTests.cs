using System.Text.Json;
using EdgeLLM.Tests.Shared;
using EdgeLLM.Text.Tokenization;
using Xunit.Abstractions;

namespace EdgeLLM.Runtime.Tests.Text.Tokenization;

/// <summary>The SentencePiece-style BPE (byte fallback, "▁" normalizer) of stories260k, against its reference.json.</summary>
public sealed class Stories260kTokenizerTests(ITestOutputHelper output)
{
    [Fact]
    public void PromptWithBosEncodesToTheReferenceIds()
    {
        if (LoadedTokenizers.Stories260kOrSkip(output) is not { } tokenizer)
        {
            return;
        }

        EncodedText encoded = tokenizer.Encode("Once upon a time", addSpecialTokens: true);

        Assert.Equal([1, 403, 407, 261, 378], encoded.Ids);
        Assert.Equal(["<s>", "▁Once", "▁upon", "▁a", "▁time"], encoded.Tokens);
        Assert.Equal(1, tokenizer.BeginningOfSequenceId);
        Assert.Equal(2, tokenizer.EndOfSequenceId);
    }

    [Fact]
    public void GeneratedIdsDecodeToTheReferenceText()
    {
        if (LoadedTokenizers.Stories260kOrSkip(output) is not { } tokenizer)
        {
            return;
        }

        using JsonDocument reference = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(TestPaths.Stories260k!, "reference.json")));
        int[] generated = LoadedTokenizers.Ids(reference.RootElement.GetProperty("generated_ids"));

        Assert.Equal(reference.RootElement.GetProperty("generated_text").GetString(), tokenizer.Decode(generated));

        StreamingDetokenizer detokenizer = tokenizer.CreateStreamingDetokenizer();
        string streamed = string.Concat(generated.Select(detokenizer.Append)) + detokenizer.Flush();
        Assert.Equal(reference.RootElement.GetProperty("generated_text").GetString(), streamed);
    }
}

using System.Text.Json;
using EdgeLLM.Text.Tokenization;

namespace EdgeLLM.Runtime.Tests.Text.Tokenization;

/// <summary>Ids, pieces and decoded text against tokenizer-reference.json (transformers.js, cross-checked with llama.cpp).</summary>
public sealed class TokenizerReferenceTests
{
    [Theory]
    [MemberData(nameof(LoadedTokenizers.TokenizerNames), MemberType = typeof(LoadedTokenizers))]
    public void EveryReferenceTextEncodesToTheReferenceIdsAndTokens(string name)
    {
        TextTokenizer tokenizer = LoadedTokenizers.Get(name);
        foreach (JsonElement entry in LoadedTokenizers.Reference(name).GetProperty("texts").EnumerateArray())
        {
            string text = entry.GetProperty("text").GetString()!;
            EncodedText plain = tokenizer.Encode(text, addSpecialTokens: false);
            EncodedText withSpecial = tokenizer.Encode(text, addSpecialTokens: true);

            Assert.True(LoadedTokenizers.Ids(entry.GetProperty("ids")).SequenceEqual(plain.Ids), $"{name} ids of {JsonSerializer.Serialize(text)}: [{string.Join(", ", plain.Ids)}]");
            Assert.True(LoadedTokenizers.Strings(entry.GetProperty("tokens")).SequenceEqual(plain.Tokens), $"{name} tokens of {JsonSerializer.Serialize(text)}: [{string.Join(", ", plain.Tokens)}]");
            Assert.True(LoadedTokenizers.Ids(entry.GetProperty("ids_with_special")).SequenceEqual(withSpecial.Ids), $"{name} ids_with_special of {JsonSerializer.Serialize(text)}: [{string.Join(", ", withSpecial.Ids)}]");
        }
    }

    [Theory]
    [MemberData(nameof(LoadedTokenizers.TokenizerNames), MemberType = typeof(LoadedTokenizers))]
    public void EveryReferenceIdListDecodesToTheReferenceText(string name)
    {
        TextTokenizer tokenizer = LoadedTokenizers.Get(name);
        foreach (JsonElement entry in LoadedTokenizers.Reference(name).GetProperty("texts").EnumerateArray())
        {
            Assert.Equal(entry.GetProperty("decoded").GetString(), tokenizer.Decode(LoadedTokenizers.Ids(entry.GetProperty("ids"))));
        }
    }

    [Theory]
    [MemberData(nameof(LoadedTokenizers.TokenizerNames), MemberType = typeof(LoadedTokenizers))]
    public void RenderedChatsDecodeAndEncodeBothWays(string name)
    {
        TextTokenizer tokenizer = LoadedTokenizers.Get(name);
        foreach (JsonElement chat in LoadedTokenizers.Reference(name).GetProperty("chats").EnumerateArray())
        {
            int[] ids = LoadedTokenizers.Ids(chat.GetProperty("ids"));
            string rendered = chat.GetProperty("rendered").GetString()!;

            Assert.Equal(rendered, tokenizer.Decode(ids));

            // The rendered text already starts with the BOS text, so no post-processor BOS is added on top.
            Assert.Equal(ids, tokenizer.Encode(rendered, addSpecialTokens: false).Ids);
        }
    }

    [Theory]
    [MemberData(nameof(LoadedTokenizers.TokenizerNames), MemberType = typeof(LoadedTokenizers))]
    public void SpecialTokensAndVocabularyMatchTheReference(string name)
    {
        TextTokenizer tokenizer = LoadedTokenizers.Get(name);
        JsonElement reference = LoadedTokenizers.Reference(name);

        Assert.Equal(reference.GetProperty("vocab_len").GetInt32(), tokenizer.VocabularySize);
        Assert.Equal(NullableString(reference.GetProperty("bos_token")), tokenizer.BeginningOfSequenceToken);
        Assert.Equal(NullableInt(reference.GetProperty("bos_token_id")), tokenizer.BeginningOfSequenceId);
        Assert.Equal(reference.GetProperty("eos_token").GetString(), tokenizer.EndOfSequenceToken);
        Assert.Equal(reference.GetProperty("eos_token_id").GetInt32(), tokenizer.EndOfSequenceId);
        Assert.Equal(tokenizer.EndOfSequenceToken, tokenizer.IdToToken(tokenizer.EndOfSequenceId!.Value));
        Assert.False(string.IsNullOrEmpty(tokenizer.ChatTemplate));
    }

    [Fact]
    public void StoryPromptEncodesWithSpecialTokensToTheReferenceIds()
    {
        foreach (string name in LoadedTokenizers.Names)
        {
            int[] expected = LoadedTokenizers.Ids(LoadedTokenizers.Reference(name).GetProperty("story_prompt_ids"));
            Assert.Equal(expected, LoadedTokenizers.Get(name).Encode("Once upon a time, in a small village near the mountains,", addSpecialTokens: true).Ids);
        }
    }

    [Fact]
    public void R1DistillThinkTagsAreAddedButNotSpecial()
    {
        TextTokenizer tokenizer = LoadedTokenizers.Get("r1-distill-qwen");
        int think = tokenizer.TokenToId("<think>")!.Value;
        int endOfSentence = tokenizer.TokenToId("<｜end▁of▁sentence｜>")!.Value;
        int hi = Assert.Single(tokenizer.Encode("hi", addSpecialTokens: false).Ids);

        Assert.Equal(151648, think);
        Assert.False(tokenizer.IsSpecial(think));
        Assert.True(tokenizer.IsSpecial(endOfSentence));
        Assert.Equal("<think>hi", tokenizer.Decode([think, hi, endOfSentence], skipSpecialTokens: true));
        Assert.Equal("<think>hi<｜end▁of▁sentence｜>", tokenizer.Decode([think, hi, endOfSentence]));
    }

    private static string? NullableString(JsonElement element) => element.ValueKind == JsonValueKind.Null ? null : element.GetString();

    private static int? NullableInt(JsonElement element) => element.ValueKind == JsonValueKind.Null ? null : element.GetInt32();
}

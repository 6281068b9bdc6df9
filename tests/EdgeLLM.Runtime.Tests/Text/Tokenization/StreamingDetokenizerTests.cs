using System.Text;
using System.Text.Json;
using EdgeLLM.Tests.Shared;
using EdgeLLM.Text.Tokenization;
using Xunit.Abstractions;

namespace EdgeLLM.Runtime.Tests.Text.Tokenization;

public sealed class StreamingDetokenizerTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(LoadedTokenizers.TokenizerNames), MemberType = typeof(LoadedTokenizers))]
    public void StreamingTheReferenceIdsYieldsTheReferenceText(string name)
    {
        TextTokenizer tokenizer = LoadedTokenizers.Get(name);
        JsonElement reference = LoadedTokenizers.Reference(name);
        foreach (JsonElement entry in reference.GetProperty("texts").EnumerateArray())
        {
            Assert.Equal(entry.GetProperty("decoded").GetString(), StreamAll(tokenizer, LoadedTokenizers.Ids(entry.GetProperty("ids")), out _));
        }

        foreach (JsonElement chat in reference.GetProperty("chats").EnumerateArray())
        {
            Assert.Equal(chat.GetProperty("rendered").GetString(), StreamAll(tokenizer, LoadedTokenizers.Ids(chat.GetProperty("ids")), out _));
        }
    }

    [Theory]
    [MemberData(nameof(LoadedTokenizers.TokenizerNames), MemberType = typeof(LoadedTokenizers))]
    public void CharactersSplitAcrossTokensAreHeldUntilComplete(string name)
    {
        TextTokenizer tokenizer = LoadedTokenizers.Get(name);
        const string text = "🦙 深度求索 👩‍💻 नमस्ते";
        IReadOnlyList<int> ids = tokenizer.Encode(text, addSpecialTokens: false).Ids;

        string streamed = StreamAll(tokenizer, ids, out List<string> chunks);

        Assert.Equal(text, streamed);
        Assert.True(ids.Count > chunks.Count(chunk => chunk.Length > 0), "some ids must complete no character on their own");
        Assert.All(chunks, chunk => Assert.True(IsWellFormed(chunk), $"chunk {JsonSerializer.Serialize(chunk)} splits a character"));
    }

    [Fact]
    public void InvalidUtf8ComesOutOnceAsReplacementCharactersLikeTheFullDecode()
    {
        TextTokenizer tokenizer = LoadedTokenizers.Get("qwen3");

        // A character spelled by several byte-level pieces; dropping its last piece leaves a truncated sequence.
        IReadOnlyList<int> ids = new[] { "𝐞", "媲", "ퟻ" }
            .Select(text => tokenizer.Encode(text, addSpecialTokens: false).Ids)
            .First(candidate => candidate.Count >= 2);
        int[] broken = [.. ids.Take(ids.Count - 1), .. tokenizer.Encode("a", addSpecialTokens: false).Ids, .. ids.Take(ids.Count - 1)];

        string full = tokenizer.Decode(broken);

        Assert.Equal(full, StreamAll(tokenizer, broken, out _));
        Assert.StartsWith("\uFFFD", full, StringComparison.Ordinal);
        Assert.EndsWith("\uFFFD", full, StringComparison.Ordinal);
    }

    [Fact]
    public void SkippingSpecialTokensStreamsLikeDecode()
    {
        TextTokenizer tokenizer = LoadedTokenizers.Get("r1-distill-qwen");
        IReadOnlyList<int> ids = tokenizer.Encode("<｜User｜>Hi<｜Assistant｜><think>\nok</think>Done<｜end▁of▁sentence｜>", addSpecialTokens: true).Ids;

        var detokenizer = tokenizer.CreateStreamingDetokenizer(skipSpecialTokens: true);
        var text = new StringBuilder();
        foreach (int id in ids)
        {
            text.Append(detokenizer.Append(id));
        }

        text.Append(detokenizer.Flush());
        Assert.Equal("Hi<think>\nok</think>Done", text.ToString());
        Assert.Equal(text.ToString(), tokenizer.Decode(ids, skipSpecialTokens: true));
    }

    [Fact]
    public void SentencePieceByteFallbackAndLeadingSpaceStreamLikeDecode()
    {
        if (LoadedTokenizers.Stories260kOrSkip(output) is not { } tokenizer)
        {
            return;
        }

        const string text = "Once upon a time 深度 🦙 zebra";
        IReadOnlyList<int> ids = tokenizer.Encode(text, addSpecialTokens: false).Ids;
        Assert.Contains(tokenizer.TokenToId("<0xE6>")!.Value, ids);

        Assert.Equal(text, StreamAll(tokenizer, ids, out List<string> chunks));
        Assert.Equal(tokenizer.Decode(ids), string.Concat(chunks));
        Assert.All(chunks, chunk => Assert.True(IsWellFormed(chunk)));
    }

    private static string StreamAll(TextTokenizer tokenizer, IReadOnlyList<int> ids, out List<string> chunks)
    {
        StreamingDetokenizer detokenizer = tokenizer.CreateStreamingDetokenizer();
        chunks = [.. ids.Select(detokenizer.Append)];
        chunks.Add(detokenizer.Flush());
        return string.Concat(chunks);
    }

    /// <summary>No broken surrogate pair and no replacement character.</summary>
    private static bool IsWellFormed(string chunk)
        => !chunk.Contains('\uFFFD', StringComparison.Ordinal)
            && chunk.EnumerateRunes().All(rune => rune != Rune.ReplacementChar);
}

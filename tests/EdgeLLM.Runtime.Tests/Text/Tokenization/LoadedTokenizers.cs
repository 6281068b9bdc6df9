using System.Collections.Concurrent;
using System.Text.Json;
using EdgeLLM.Tests.Shared;
using EdgeLLM.Text.Tokenization;
using Xunit.Abstractions;

namespace EdgeLLM.Runtime.Tests.Text.Tokenization;

/// <summary>The prepared tokenizers, loaded once per test run, and the reference figures for them.</summary>
internal static class LoadedTokenizers
{
    public static readonly string[] Names = ["r1-distill-qwen", "qwen3", "llama31"];

    private static readonly ConcurrentDictionary<string, Lazy<TextTokenizer>> Cache = new();
    private static readonly Lazy<JsonDocument> ReferenceDocument = new(
        () => JsonDocument.Parse(File.ReadAllBytes(TestPaths.Fixture("tokenizer-reference.json"))));

    public static TextTokenizer Get(string name)
        => Cache.GetOrAdd(name, key => new Lazy<TextTokenizer>(() => TokenizerLoader.Load(TestPaths.Tokenizer(key)))).Value;

    /// <summary>tokenizer-reference.json's entry for one tokenizer.</summary>
    public static JsonElement Reference(string name) => ReferenceDocument.Value.RootElement.GetProperty(name);

    public static int[] Ids(JsonElement array) => [.. array.EnumerateArray().Select(item => item.GetInt32())];

    public static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(item => item.GetString()!)];

    public static TheoryData<string> TokenizerNames() => [.. Names];

    /// <summary>stories260k's tokenizer, or null (after saying why) where ../shared/fixtures is absent.</summary>
    public static TextTokenizer? Stories260kOrSkip(ITestOutputHelper output)
    {
        if (TestPaths.Stories260k is { } folder)
        {
            return TokenizerLoader.Load(folder);
        }

        output.WriteLine(TestPaths.Stories260kSkipped);
        return null;
    }
}

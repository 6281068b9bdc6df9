using System.Runtime.InteropServices;
using System.Text.Json;
using EdgeLLM.Tests.Shared;
using EdgeLLM.Text.Tokenization;
using Xunit.Abstractions;

namespace EdgeLLM.Runtime.Tests.Text.Tokenization;

/// <summary>
/// Agreement with Hugging Face's Rust tokenizers library (through Tokenizers.DotNet, which loads the same
/// tokenizer.json) on 10,000 reproducible random strings per tokenizer: ids with special tokens, and the decoded
/// text (the library decodes with skip_special_tokens, so special tokens are skipped on both sides).
/// </summary>
public sealed class HuggingFaceOracleTests(ITestOutputHelper output)
{
    private const int StringCount = 10_000;

    [Theory]
    [InlineData("r1-distill-qwen", 1)]
    [InlineData("qwen3", 2)]
    [InlineData("llama31", 3)]
    public void RandomStringsEncodeAndDecodeLikeHuggingFace(string name, int seed)
        => CompareWithOracle(name, TestPaths.Tokenizer(name), seed);

    [Fact]
    public void RandomStringsEncodeAndDecodeLikeHuggingFaceForStories260k()
    {
        if (TestPaths.Stories260k is not { } folder)
        {
            output.WriteLine(TestPaths.Stories260kSkipped);
            return;
        }

        CompareWithOracle("stories260k", folder, 4);
    }

    private void CompareWithOracle(string name, string folder, int seed)
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            // Tokenizers.DotNet's native library is referenced for linux-x64 only.
            output.WriteLine($"skipped: the Hugging Face oracle runs on linux-x64 only (this is {RuntimeInformation.RuntimeIdentifier})");
            return;
        }

        TextTokenizer tokenizer = name == "stories260k" ? TokenizerLoader.Load(folder) : LoadedTokenizers.Get(name);
        using var oracle = new Tokenizers.DotNet.Tokenizer(Path.Combine(folder, TokenizerLoader.TokenizerFileName));
        var random = new RandomText(seed, [.. tokenizer.AddedTokens.Select(token => token.Content)]);

        var encodeMismatches = new List<string>();
        var decodeMismatches = new List<string>();
        for (int index = 0; index < StringCount; index++)
        {
            string text = random.Next();
            IReadOnlyList<int> ids = tokenizer.Encode(text, addSpecialTokens: true).Ids;
            uint[] expected = oracle.Encode(text);
            if (!expected.Select(id => (int)id).SequenceEqual(ids))
            {
                encodeMismatches.Add($"{JsonSerializer.Serialize(text)}: expected [{string.Join(", ", expected)}], got [{string.Join(", ", ids)}]");
            }

            string decoded = tokenizer.Decode(ids, skipSpecialTokens: true);
            string expectedText = oracle.Decode([.. ids.Select(id => (uint)id)]);
            if (decoded != expectedText)
            {
                decodeMismatches.Add($"{JsonSerializer.Serialize(text)}: expected {JsonSerializer.Serialize(expectedText)}, got {JsonSerializer.Serialize(decoded)}");
            }
        }

        output.WriteLine($"{name}: {StringCount} strings, {encodeMismatches.Count} encode mismatches, {decodeMismatches.Count} decode mismatches");
        foreach (string mismatch in encodeMismatches.Concat(decodeMismatches).Take(20))
        {
            output.WriteLine(mismatch);
        }

        Assert.True(encodeMismatches.Count == 0, $"{name}: {encodeMismatches.Count} of {StringCount} strings encode differently, first: {encodeMismatches.FirstOrDefault()}");
        Assert.True(decodeMismatches.Count == 0, $"{name}: {decodeMismatches.Count} of {StringCount} id lists decode differently, first: {decodeMismatches.FirstOrDefault()}");
    }
}

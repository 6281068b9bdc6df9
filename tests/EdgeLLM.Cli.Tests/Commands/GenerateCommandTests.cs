using System.Text.Json;
using EdgeLLM.Runtime.Tests.Generation;
using EdgeLLM.Tests.Shared;

namespace EdgeLLM.Cli.Tests.Commands;

/// <summary>
/// <c>edgellm generate</c> end to end (text → template → ids → graph → tokens) against the reference
/// prompt ids and greedy ids that a Hugging Face-semantics reference produced.
/// </summary>
[Collection(ModelFoldersCollection.Name)]
public sealed class GenerateCommandTests(ModelFolders models)
{
    [Theory]
    [MemberData(nameof(ModelFolders.TinyModels), MemberType = typeof(ModelFolders))]
    public void ChatQuestionReproducesTheReferencePromptAndGreedyIds(string model)
    {
        ReferenceCase reference = ReferenceCase.Load(model, 0);

        JsonElement result = GenerateJson(models.Tiny(model), 24, "--chat", "-p", ReferenceCase.ChatQuestion);

        Assert.Equal(reference.PromptIds, Ids(result, "prompt_ids"));
        Assert.Equal(reference.GreedyIds, Ids(result, "tokens"));
        Assert.Equal("max_tokens", result.GetProperty("stop_reason").GetString());
    }

    [Theory]
    [MemberData(nameof(ModelFolders.TinyModels), MemberType = typeof(ModelFolders))]
    public void StoryPromptWithoutChatReproducesCaseOne(string model)
    {
        ReferenceCase reference = ReferenceCase.Load(model, 1);

        JsonElement result = GenerateJson(models.Tiny(model), 24, "-p", ReferenceCase.StoryPrompt);

        Assert.Equal(reference.PromptIds, Ids(result, "prompt_ids"));
        Assert.Equal(reference.GreedyIds, Ids(result, "tokens"));
    }

    [Fact]
    public void GraphWithAllPositionLogitsGivesTheSameTokens()
    {
        ReferenceCase reference = ReferenceCase.Load(ModelFolders.Qwen2, 0);

        JsonElement result = GenerateJson(models.Tiny(ModelFolders.Qwen2, lastPositionLogitsOnly: false), 24, "--chat", "-p", ReferenceCase.ChatQuestion);

        Assert.Equal(reference.GreedyIds, Ids(result, "tokens"));
    }

    [Fact]
    public void JsonReportsSpeedsAndMemory()
    {
        JsonElement result = GenerateJson(models.Tiny(ModelFolders.Qwen2), 24, "--chat", "-p", ReferenceCase.ChatQuestion);

        Assert.True(result.GetProperty("prefill_tokens_per_s").GetDouble() > 0);
        Assert.True(result.GetProperty("decode_tokens_per_s").GetDouble() > 0);
        Assert.True(result.GetProperty("time_to_first_token_ms").GetDouble() > 0);
        Assert.True(result.GetProperty("load_ms").GetDouble() > 0);
        Assert.True(result.GetProperty("peak_rss_mb").GetDouble() > 10);
        Assert.Equal(result.GetProperty("text").GetString(), result.GetProperty("reasoning").GetString() + result.GetProperty("answer").GetString());
    }

    [Fact]
    public void MaxTokensZeroOnlyRendersAndEncodes()
    {
        ReferenceCase reference = ReferenceCase.Load(ModelFolders.Llama31, 0);
        (int exitCode, string output, _) = CliRunner.Run(["generate", "-m", models.Tiny(ModelFolders.Llama31), "--chat", "--max-tokens", "0", "--json", "-p", ReferenceCase.ChatQuestion]);

        Assert.Equal(0, exitCode);
        using JsonDocument document = JsonDocument.Parse(output);
        Assert.Equal(reference.PromptIds, Ids(document.RootElement, "prompt_ids"));
        Assert.Empty(Ids(document.RootElement, "tokens"));
    }

    [Fact]
    public void MessagesFileImpliesChat()
    {
        ReferenceCase reference = ReferenceCase.Load(ModelFolders.Qwen3, 0);
        using TempFolder folder = TestPaths.CreateTemp();
        string conversation = Path.Combine(folder.Path, "conversation.json");
        File.WriteAllText(conversation, $$"""[{"role": "user", "content": "{{ReferenceCase.ChatQuestion}}"}]""");

        JsonElement result = GenerateJson(models.Tiny(ModelFolders.Qwen3), 24, "--messages", conversation);

        Assert.Equal(reference.PromptIds, Ids(result, "prompt_ids"));
        Assert.Equal(reference.GreedyIds, Ids(result, "tokens"));
    }

    [Fact]
    public void PromptFromStandardInput()
    {
        ReferenceCase reference = ReferenceCase.Load(ModelFolders.Qwen2, 1);
        (int exitCode, string output, _) = CliRunner.Run(["generate", "-m", models.Tiny(ModelFolders.Qwen2), "--temperature", "0", "--max-tokens", "4", "--json"], stdin: ReferenceCase.StoryPrompt);

        Assert.Equal(0, exitCode);
        using JsonDocument document = JsonDocument.Parse(output);
        Assert.Equal(reference.GreedyIds[..4], Ids(document.RootElement, "tokens"));
    }

    [Fact]
    public void Stories260kContinuesOnceUponATimeWithTheReferenceStory()
    {
        string? model = models.Stories260k();
        if (model is null)
        {
            Console.WriteLine(TestPaths.Stories260kSkipped);
            return;
        }

        using JsonDocument reference = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(TestPaths.Stories260k!, "reference.json")));
        int[] expected = [.. reference.RootElement.GetProperty("generated_ids").EnumerateArray().Select(id => id.GetInt32())];

        JsonElement result = GenerateJson(model, expected.Length, "-p", "Once upon a time");

        Assert.Equal([1, 403, 407, 261, 378], Ids(result, "prompt_ids"));
        Assert.Equal(expected, Ids(result, "tokens"));
        Assert.Equal(reference.RootElement.GetProperty("generated_text").GetString(), result.GetProperty("text").GetString());
    }

    [Theory]
    [InlineData("--think", "sometimes", "--think must be on, hide or off")]
    [InlineData("--max-tokens", "-1", "--max-tokens must be 0 or more")]
    [InlineData("--temperature", "-2", "temperature must be")]
    public void BadOptionsAreOneLineErrors(string option, string value, string message)
    {
        (int exitCode, string output, string error) = CliRunner.Run(["generate", "-m", models.Tiny(ModelFolders.Qwen2), "-p", "hi", option, value]);

        Assert.Equal(1, exitCode);
        Assert.Equal("", output);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void MissingModelFolderIsOneLineError()
    {
        (int exitCode, _, string error) = CliRunner.Run(["generate", "-m", "/nonexistent/model", "-p", "hi"]);

        Assert.Equal(1, exitCode);
        Assert.StartsWith("edgellm generate: error: ", error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
    }

    private static JsonElement GenerateJson(string model, int maxTokens, params string[] arguments)
    {
        (int exitCode, string output, string error) = CliRunner.Run(
            ["generate", "-m", model, "--temperature", "0", "--max-tokens", maxTokens.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json", .. arguments]);
        Assert.True(exitCode == 0, error);
        using JsonDocument document = JsonDocument.Parse(output);
        return document.RootElement.Clone();
    }

    private static int[] Ids(JsonElement result, string name) => [.. result.GetProperty(name).EnumerateArray().Select(id => id.GetInt32())];
}

using System.Text.Json;
using EdgeLLM.Tests.Shared;

namespace EdgeLLM.Runtime.Tests.Generation;

/// <summary>One case of tests/Fixtures/&lt;model&gt;.reference.json: its prompt ids and the 24 greedy ids.</summary>
internal sealed record ReferenceCase(string Prompt, int[] PromptIds, int[] GreedyIds)
{
    /// <summary>Case 0 is the chat question, case 1 the story prompt.</summary>
    public static ReferenceCase Load(string model, int caseIndex)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(TestPaths.Fixture(model + ".reference.json")));
        JsonElement item = document.RootElement.GetProperty("cases")[caseIndex];
        return new ReferenceCase(
            item.GetProperty("prompt").GetString()!,
            [.. item.GetProperty("prompt_ids").EnumerateArray().Select(id => id.GetInt32())],
            [.. item.GetProperty("greedy_ids").EnumerateArray().Select(id => id.GetInt32())]);
    }

    public const string ChatQuestion = "What is 2+2? Answer briefly.";

    public const string StoryPrompt = "Once upon a time, in a small village near the mountains,";
}

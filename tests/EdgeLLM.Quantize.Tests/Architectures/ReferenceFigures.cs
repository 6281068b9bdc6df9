using System.Text.Json;
using EdgeLLM.Tests.Shared;

namespace EdgeLLM.Quantize.Tests.Architectures;

/// <summary>One position's reference logits summary: top-16 ids and logits, logsumexp, top1−top2 margin.</summary>
internal sealed record ReferencePosition(int[] TopIds, float[] TopLogits, double LogSumExp, double Margin12);

/// <summary>One case of a tiny model's reference.json: prompt, greedy ids, prefill and step figures.</summary>
internal sealed record ReferenceCase(long[] PromptIds, long[] GreedyIds, ReferencePosition[] Prefill, ReferencePosition[] Steps);

/// <summary>Reads tests/Fixtures/&lt;model&gt;.reference.json (figures from an independent fp32 forward pass).</summary>
internal static class ReferenceFigures
{
    public static IReadOnlyList<ReferenceCase> Load(string model)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(TestPaths.Fixture($"{model}.reference.json")));
        return document.RootElement.GetProperty("cases").EnumerateArray().Select(item => new ReferenceCase(
            Longs(item.GetProperty("prompt_ids")),
            Longs(item.GetProperty("greedy_ids")),
            item.GetProperty("prefill").EnumerateArray().Select(Position).ToArray(),
            item.GetProperty("steps").EnumerateArray().Select(Position).ToArray())).ToArray();
    }

    private static ReferencePosition Position(JsonElement element) => new(
        element.GetProperty("top_ids").EnumerateArray().Select(id => id.GetInt32()).ToArray(),
        element.GetProperty("top_logits").EnumerateArray().Select(value => value.GetSingle()).ToArray(),
        element.GetProperty("logsumexp").GetDouble(),
        element.GetProperty("margin12").GetDouble());

    private static long[] Longs(JsonElement element) => element.EnumerateArray().Select(id => id.GetInt64()).ToArray();
}

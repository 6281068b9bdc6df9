using System.Text.Json;
using EdgeLLM.Runtime.Evaluation;
using EdgeLLM.Tests.Shared;

namespace EdgeLLM.Runtime.Tests.Engines;

/// <summary>One position's reference figures: the top-16 ids and logits and the logsumexp.</summary>
internal sealed record ReferencePosition(int[] TopIds, float[] TopLogits, double LogSumExp, double Margin12);

/// <summary>One case of tests/Fixtures/&lt;model&gt;.reference.json with every prefill position and greedy step.</summary>
internal sealed record ReferenceLogits(int[] PromptIds, int[] GreedyIds, ReferencePosition[] Prefill, ReferencePosition[] Steps)
{
    public static IReadOnlyList<ReferenceLogits> Load(string model)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(TestPaths.Fixture(model + ".reference.json")));
        return [.. document.RootElement.GetProperty("cases").EnumerateArray().Select(item => new ReferenceLogits(
            [.. item.GetProperty("prompt_ids").EnumerateArray().Select(id => id.GetInt32())],
            [.. item.GetProperty("greedy_ids").EnumerateArray().Select(id => id.GetInt32())],
            [.. item.GetProperty("prefill").EnumerateArray().Select(Position)],
            [.. item.GetProperty("steps").EnumerateArray().Select(Position)]))];
    }

    private static ReferencePosition Position(JsonElement element) => new(
        [.. element.GetProperty("top_ids").EnumerateArray().Select(id => id.GetInt32())],
        [.. element.GetProperty("top_logits").EnumerateArray().Select(value => value.GetSingle())],
        element.GetProperty("logsumexp").GetDouble(),
        element.GetProperty("margin12").GetDouble());
}

/// <summary>Logits compared with a reference position within a tolerance, keeping the largest error seen.</summary>
internal sealed class LogitTolerance(double tolerance)
{
    public double MaxError { get; private set; }

    public void Check(ReadOnlySpan<float> logits, ReferencePosition reference, string where)
    {
        for (int rank = 0; rank < reference.TopIds.Length; rank++)
        {
            double error = Math.Abs(logits[reference.TopIds[rank]] - reference.TopLogits[rank]);
            MaxError = Math.Max(MaxError, error);
            Assert.True(error <= tolerance, $"{where}: logit of id {reference.TopIds[rank]} is {logits[reference.TopIds[rank]]}, reference {reference.TopLogits[rank]} (|Δ| {error:g3} > {tolerance:g3})");
        }

        double logSumExp = LogProbabilities.LogSumExp(logits);
        double lseError = Math.Abs(logSumExp - reference.LogSumExp);
        MaxError = Math.Max(MaxError, lseError);
        Assert.True(lseError <= tolerance, $"{where}: logsumexp {logSumExp} vs reference {reference.LogSumExp} (|Δ| {lseError:g3} > {tolerance:g3})");
    }

    /// <summary>Every logit of <paramref name="actual"/> within the tolerance of <paramref name="expected"/>.</summary>
    public void CheckAll(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, string where)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        int worstId = 0;
        for (int id = 0; id < expected.Length; id++)
        {
            double error = Math.Abs(actual[id] - expected[id]);
            if (error > worst)
            {
                worst = error;
                worstId = id;
            }
        }

        MaxError = Math.Max(MaxError, worst);
        Assert.True(worst <= tolerance, $"{where}: logit of id {worstId} is {actual[worstId]} against {expected[worstId]} (|Δ| {worst:g3} > {tolerance:g3})");
    }

    public static int ArgMax(ReadOnlySpan<float> logits) => LogProbabilities.ArgMax(logits);
}

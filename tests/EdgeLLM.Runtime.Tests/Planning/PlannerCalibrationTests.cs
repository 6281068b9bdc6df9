using System.Text.Json;
using EdgeLLM.Runtime.Chat;
using EdgeLLM.Tests.Shared;
using Xunit.Abstractions;

namespace EdgeLLM.Runtime.Tests.Planning;

/// <summary>
/// The memory planner against reality: <c>edgellm generate --json</c> on the synthetic 1.5B int4 model
/// reports the planner's estimate for its context ("plan"."estimate") and the process's measured peak
/// RSS; at two contexts they must agree within 15 %. The prompt fills the context with distinct
/// tokens (one vocabulary word each), the case the planner plans for, then 8 tokens are decoded.
/// Each run is its own process, so the peak is that of one generation.
/// </summary>
public sealed class PlannerCalibrationTests(ITestOutputHelper log)
{
    private const double Tolerance = 0.15;
    private const int DecodedTokens = 8;

    [Theory]
    [InlineData(1024)]
    [InlineData(4096)]
    public void Estimate_IsWithin15PercentOfTheMeasuredPeakRss(int context)
    {
        string model = CalibrationModel.Path;
        using TempFolder folder = TestPaths.CreateTemp();
        string promptFile = Path.Combine(folder.Path, "prompt.txt");
        File.WriteAllText(promptFile, DistinctTokenPrompt(model, context - DecodedTokens - 8));

        (int exitCode, string output, string error) = CalibrationModel.RunCli(
            "generate", "-m", model, "--context", context.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--max-tokens", DecodedTokens.ToString(System.Globalization.CultureInfo.InvariantCulture), "--temperature", "0", "--json", "--prompt-file", promptFile);

        Assert.True(exitCode == 0, error);
        using JsonDocument result = JsonDocument.Parse(output);
        JsonElement estimate = result.RootElement.GetProperty("plan").GetProperty("estimate");
        Assert.Equal(context, estimate.GetProperty("context").GetInt32());
        double estimated = estimate.GetProperty("total_bytes").GetInt64();
        double measured = result.RootElement.GetProperty("peak_rss_mb").GetDouble() * 1024 * 1024;
        double relativeError = (estimated - measured) / measured;
        log.WriteLine($"context {context}: {result.RootElement.GetProperty("prompt_ids").GetArrayLength()} prompt tokens; estimate {estimated / 1e6:F0} MB ({Parts(estimate)}), measured peak RSS {measured / 1e6:F0} MB, error {relativeError:+0.0%;-0.0%}");
        Assert.InRange(relativeError, -Tolerance, Tolerance);
    }

    private static string Parts(JsonElement estimate)
        => string.Join(", ", new[] { "mapped_weight", "packed_weight", "kv_cache", "activation", "runtime" }
            .Select(part => $"{part} {estimate.GetProperty(part + "_bytes").GetInt64() / 1e6:F0}"));

    /// <summary>
    /// Text of exactly <paramref name="tokenCount"/> tokens (with BOS), each a different vocabulary word
    /// (" word" tokens of lowercase letters in a fixed shuffled order): every token touches a new embedding row.
    /// </summary>
    private static string DistinctTokenPrompt(string modelFolder, int tokenCount)
    {
        using JsonDocument tokenizer = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(modelFolder, "tokenizer.json")));
        List<string> words = [.. tokenizer.RootElement.GetProperty("model").GetProperty("vocab").EnumerateObject()
            .Select(entry => entry.Name)
            .Where(name => name.Length >= 4 && name[0] == '\u0120' && name.Skip(1).All(char.IsAsciiLetterLower))
            .Select(name => name[1..])
            .Order(StringComparer.Ordinal)];
        new Random(20261128).Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(words));

        PromptBuilder prompts = PromptBuilder.Load(modelFolder);
        int TokensOf(int wordCount) => prompts.EncodePlain(string.Join(' ', words.Take(wordCount))).Count;

        // The most words whose text stays within tokenCount tokens (token count grows with word count).
        int low = 0;
        int high = Math.Min(words.Count, tokenCount);
        while (low < high)
        {
            int middle = (low + high + 1) / 2;
            if (TokensOf(middle) <= tokenCount)
            {
                low = middle;
            }
            else
            {
                high = middle - 1;
            }
        }

        return string.Join(' ', words.Take(low));
    }
}

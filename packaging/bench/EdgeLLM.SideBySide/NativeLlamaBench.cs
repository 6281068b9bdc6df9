using System.Text.Json;

namespace EdgeLLM.SideBySide;

/// <summary>
/// A natively built <c>llama-bench</c> (<c>-o json</c>): prompt (pp) and decode (tg) tokens/s of one
/// repetition. llama-bench reports neither load time, time to first token nor RSS; TTFT is taken as
/// the prompt time, the others are left at zero and never enter a ratio.
/// </summary>
internal static class NativeLlamaBench
{
    /// <param name="depth">Tokens already in the context before each test (llama-bench -d), 0 for none.</param>
    public static EngineMeasurement Run(string llamaBench, string gguf, int threads, int promptTokens, int generatedTokens, int depth)
    {
        using JsonDocument document = ChildProcess.RunJson(
            (llamaBench, []),
            ["-m", gguf, "-t", threads.ToString(System.Globalization.CultureInfo.InvariantCulture), "-p", promptTokens.ToString(System.Globalization.CultureInfo.InvariantCulture),
             "-n", generatedTokens.ToString(System.Globalization.CultureInfo.InvariantCulture), "-d", depth.ToString(System.Globalization.CultureInfo.InvariantCulture), "-r", "1", "-o", "json"]);
        double prompt = 0, decode = 0;
        string build = "native llama-bench";
        foreach (JsonElement test in document.RootElement.EnumerateArray())
        {
            double speed = test.GetProperty("avg_ts").GetDouble();
            if (test.GetProperty("n_gen").GetInt32() > 0)
            {
                decode = speed;
            }
            else
            {
                prompt = speed;
            }

            if (test.TryGetProperty("build_commit", out JsonElement commit) && test.TryGetProperty("build_number", out JsonElement number))
            {
                build = $"native llama-bench build {number} ({commit.GetString()})";
            }
        }

        return new EngineMeasurement("llama-bench", build, prompt, decode, prompt > 0 ? promptTokens / prompt * 1000 : 0, 0, 0);
    }
}

using System.Diagnostics;
using EdgeLLM.Runtime.Diagnostics;

namespace EdgeLLM.SideBySide;

/// <summary>
/// The timing every harness engine shares with <c>edgellm bench</c>: untimed warm-up runs (full prompt,
/// one decode step), then a load
/// (peak RSS restarted just before it), the prompt in one pass, the first argmax, and
/// <c>generatedTokens</c> timed greedy steps.
/// </summary>
internal static class SpeedMeasurement
{
    public static EngineMeasurement Measure(string engine, string build, Func<ISpeedEngine> open, int[] prompt, int generatedTokens, int warmups)
    {
        for (int warmup = 0; warmup < warmups; warmup++)
        {
            // Like edgellm bench: the full prompt and one decode step warm the file cache and every code path.
            _ = Once(open, prompt, 1);
        }

        ProcessMemory.ResetPeak();
        (double load, double promptSeconds, double firstToken, double decodeSeconds) = Once(open, prompt, generatedTokens);
        return new EngineMeasurement(
            engine,
            build,
            prompt.Length / promptSeconds,
            generatedTokens / decodeSeconds,
            firstToken * 1000,
            load * 1000,
            ProcessMemory.PeakResidentBytes());
    }

    private static (double Load, double Prompt, double FirstToken, double Decode) Once(Func<ISpeedEngine> open, int[] prompt, int generatedTokens)
    {
        long start = Stopwatch.GetTimestamp();
        using ISpeedEngine engine = open();
        double load = Stopwatch.GetElapsedTime(start).TotalSeconds;

        start = Stopwatch.GetTimestamp();
        int token = engine.Prompt(prompt);
        double firstToken = Stopwatch.GetElapsedTime(start).TotalSeconds;
        double promptSeconds = firstToken;

        start = Stopwatch.GetTimestamp();
        for (int step = 0; step < generatedTokens; step++)
        {
            token = engine.Step(token);
        }

        double decode = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return (load, promptSeconds, firstToken, decode);
    }
}

using System.Diagnostics;
using Xunit.Abstractions;

namespace EdgeLLM.Runtime.Tests.Fuzzing;

/// <summary>
/// Runs a parser over seeded mutations of a fixture. Each input must succeed or fail with one of the parser's
/// expected exception types and a one-line message; each runs on its own thread under a time limit and an
/// allocation bound. The first violation fails the test with the seed and input index that reproduce it.
/// </summary>
internal static class FuzzRun
{
    private static readonly TimeSpan PerInputLimit = TimeSpan.FromSeconds(5);
    private const long AllocationBase = 512L * 1024 * 1024;

    public static void Run(ITestOutputHelper output, string parser, byte[] fixture, int seed, int count, Action<byte[]> parse, params Type[] expected)
    {
        var mutator = new Mutator(seed);
        var clock = Stopwatch.StartNew();
        int succeeded = 0;
        var refusals = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int index = 0; index < count; index++)
        {
            byte[] input = index == 0 ? fixture : mutator.Mutate(fixture);
            (Exception? error, long allocated, bool finished) = RunOne(parse, input);
            string where = $"{parser}: seed {seed}, input {index} ({input.Length} bytes)";
            Assert.True(finished, $"{where}: still running after {PerInputLimit.TotalSeconds} s");
            long bound = AllocationBase + (200L * input.Length);
            Assert.True(allocated <= bound, $"{where}: allocated {allocated:N0} bytes, more than {bound:N0}");
            if (error is null)
            {
                succeeded++;
                continue;
            }

            Assert.True(
                expected.Any(type => type.IsInstanceOfType(error)),
                $"{where}: unexpected {error.GetType().FullName}: {error.Message}\n{error.StackTrace}");
            Assert.False(error.Message.Contains('\n', StringComparison.Ordinal), $"{where}: a message of several lines: {error.Message}");
            Assert.True(error.Message.Length is > 0 and < 2000, $"{where}: message of {error.Message.Length} characters");
            string name = error.GetType().Name;
            refusals[name] = refusals.GetValueOrDefault(name) + 1;
        }

        Assert.True(succeeded > 0, $"{parser}: the unmutated fixture must parse");
        output.WriteLine($"fuzz {parser}: tried {count} inputs (seed {seed}) in {clock.Elapsed.TotalSeconds:0.0} s: {succeeded} parsed, refused {string.Join(", ", refusals.Select(pair => $"{pair.Value} {pair.Key}"))}");
    }

    private static (Exception? Error, long Allocated, bool Finished) RunOne(Action<byte[]> parse, byte[] input)
    {
        Exception? error = null;
        long allocated = 0;
        var thread = new Thread(
            () =>
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                try
                {
                    parse(input);
                }
                catch (Exception exception)
                {
                    error = exception;
                }

                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            },
            maxStackSize: 8 * 1024 * 1024)
        {
            IsBackground = true,
        };
        thread.Start();
        bool finished = thread.Join(PerInputLimit);
        return (error, allocated, finished);
    }
}

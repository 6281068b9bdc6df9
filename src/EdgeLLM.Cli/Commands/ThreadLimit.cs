using System.Globalization;

namespace EdgeLLM.Cli.Commands;

/// <summary>
/// --threads above the machine's logical cores only oversubscribes them (1000 threads ran 25x slower): it is
/// capped at <see cref="Environment.ProcessorCount"/> with a one-line notice on stderr.
/// </summary>
internal static class ThreadLimit
{
    /// <summary><paramref name="requested"/>, or the logical core count when more were asked for (0 stays 0: the default).</summary>
    public static int Cap(int requested, string verb, TextWriter? notices = null)
    {
        int cores = Environment.ProcessorCount;
        if (requested <= cores)
        {
            return requested;
        }

        (notices ?? Console.Error).WriteLine(string.Create(CultureInfo.InvariantCulture, $"edgellm {verb}: --threads {requested} is more than this machine's {cores} logical cores: using {cores}"));
        return cores;
    }
}

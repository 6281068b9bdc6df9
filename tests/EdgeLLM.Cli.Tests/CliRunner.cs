using EdgeLLM.Cli;

namespace EdgeLLM.Cli.Tests;

/// <summary>
/// Runs the <c>edgellm</c> CLI in-process through <see cref="Program.Main"/> with stdout, stderr and stdin swapped.
/// The one runner of the command tests; the test projects that still run a verb beside their own subject link this
/// file. Runs hold a lock (the console is process-wide), and the tests using it sit in collections that run alone
/// (<c>ConsoleCollection</c> and the fixture collections with parallelization off).
/// </summary>
internal static class CliRunner
{
    private static readonly Lock ConsoleLock = new();

    /// <summary>Runs <paramref name="arguments"/> with an empty standard input.</summary>
    public static (int ExitCode, string Output, string Error) Run(params string[] arguments) => Run(arguments, stdin: string.Empty);

    /// <summary>Runs <paramref name="arguments"/> with <paramref name="stdin"/> as standard input.</summary>
    public static (int ExitCode, string Output, string Error) Run(string[] arguments, string stdin)
    {
        lock (ConsoleLock)
        {
            TextWriter originalOut = Console.Out;
            TextWriter originalError = Console.Error;
            TextReader originalIn = Console.In;
            using var output = new StringWriter();
            using var error = new StringWriter();
            try
            {
                Console.SetOut(output);
                Console.SetError(error);
                Console.SetIn(new StringReader(stdin));
                int exitCode = Program.Main(arguments);
                return (exitCode, output.ToString(), error.ToString());
            }
            finally
            {
                Console.SetOut(originalOut);
                Console.SetError(originalError);
                Console.SetIn(originalIn);
            }
        }
    }
}

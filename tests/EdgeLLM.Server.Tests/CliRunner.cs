using EdgeLLM.Cli;

namespace EdgeLLM.Server.Tests;

/// <summary>Runs the <c>edgellm</c> CLI in-process with the console swapped (server tests run one at a time).</summary>
internal static class CliRunner
{
    private static readonly object ConsoleLock = new();

    public static (int ExitCode, string Output, string Error) Run(params string[] arguments)
    {
        lock (ConsoleLock)
        {
            TextWriter originalOut = Console.Out;
            TextWriter originalError = Console.Error;
            var output = new StringWriter();
            var error = new StringWriter();
            try
            {
                Console.SetOut(output);
                Console.SetError(error);
                int exitCode = Program.Main(arguments);
                return (exitCode, output.ToString(), error.ToString());
            }
            finally
            {
                Console.SetOut(originalOut);
                Console.SetError(originalError);
            }
        }
    }
}

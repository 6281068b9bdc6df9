using EdgeLLM.Cli;

namespace EdgeLLM.Quantize.Tests;

/// <summary>Runs <c>edgellm</c> through Program.Main with stdout and stderr captured (tests using it share <c>ConsoleCollection</c>).</summary>
internal static class InProcessCli
{
    public static (int ExitCode, string Stdout, string Stderr) Run(params string[] args)
    {
        TextWriter originalOut = Console.Out;
        TextWriter originalError = Console.Error;
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try
        {
            int exitCode = Program.Main(args);
            return (exitCode, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(originalOut);
            Console.SetError(originalError);
        }
    }
}

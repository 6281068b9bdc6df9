using EdgeLLM.Cli;

namespace EdgeLLM.Runtime.Tests;

/// <summary>Runs the <c>edgellm</c> CLI in-process with the console swapped (tests using it share <see cref="Text.ConsoleCollection"/>).</summary>
internal static class CliRunner
{
    public static (int ExitCode, string Output, string Error) Run(string[] arguments, string stdin = "")
    {
        TextWriter originalOut = Console.Out;
        TextWriter originalError = Console.Error;
        TextReader originalIn = Console.In;
        var output = new StringWriter();
        var error = new StringWriter();
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

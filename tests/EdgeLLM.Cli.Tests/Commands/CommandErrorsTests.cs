using EdgeLLM.Cli.Commands;
using EdgeLLM.Format;
using EdgeLLM.Runtime.Generation;

namespace EdgeLLM.Cli.Tests.Commands;

/// <summary>
/// The CLI's one error path: the libraries' expected failures are one line and exit 1, anything else is a bug
/// (one line naming the exception type, exit 70), with the stack trace only under EDGELLM_DEBUG=1.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class CommandErrorsTests
{
    [Fact]
    public void AnExpectedFailureIsOneLineAndExitOne()
    {
        (int exit, string error) = Run(() => throw new EdgeLlmException("model.onnx: tensor 'w' is truncated\n(2 of 4 bytes)"));

        Assert.Equal(CommandErrors.Failure, exit);
        Assert.Equal("edgellm test: error: model.onnx: tensor 'w' is truncated (2 of 4 bytes)\n", error);
    }

    [Fact]
    public void ALibraryTypeDerivedFromTheExpectedOneIsOneLineAndExitOne()
    {
        (int exit, string error) = Run(() => throw new ContextFullException(60, 10, 64));

        Assert.Equal(1, exit);
        Assert.Equal("edgellm test: error: context full: 60 tokens cached + 10 new > 64 (start a new chat or raise the context length)\n", error);
    }

    [Fact]
    public void FileSystemAndMemoryFailuresAreOneLineAndExitOne()
    {
        Assert.Equal((1, "edgellm test: error: disk full\n"), Run(() => throw new IOException("disk full")));
        Assert.Equal((1, "edgellm test: error: denied\n"), Run(() => throw new UnauthorizedAccessException("denied")));
        Assert.Equal((1, "edgellm test: error: needs 9 GB, 4 GB available\n"), Run(() => throw new InsufficientMemoryException("needs 9 GB, 4 GB available")));
    }

    [Fact]
    public void AMissingNativeLibraryInsideATypeInitializerIsOneLineAndExitOne()
    {
        (int exit, string error) = Run(() => throw new TypeInitializationException(
            "Microsoft.ML.OnnxRuntime.NativeMethods", new DllNotFoundException("libonnxruntime.so: cannot open shared object file")));

        Assert.Equal(1, exit);
        Assert.Equal("edgellm test: error: libonnxruntime.so: cannot open shared object file\n", error);
    }

    [Fact]
    public void CtrlCIsInterruptedAndExit130()
    {
        Assert.Equal((CommandErrors.Interrupted, "edgellm test: interrupted\n"), Run(() => throw new OperationCanceledException()));
    }

    [Fact]
    public void AnUnexpectedExceptionIsABugInOneLineWithExitSeventyAndNoStackTrace()
    {
        (int exit, string error) = WithDebug(null, () => Run(() => throw new NullReferenceException("Object reference not set to an instance of an object.")));

        Assert.Equal(CommandErrors.InternalError, exit);
        Assert.Equal(70, exit);
        Assert.Equal("edgellm test: internal error: System.NullReferenceException: Object reference not set to an instance of an object. (please report this)\n", error);
    }

    [Fact]
    public void BclTypesThatOnceMeantBadInputAreNowBugs()
    {
        // A library reports bad input with EdgeLlmException; these types escaping a verb are programming errors.
        foreach (Exception bug in new Exception[] { new ArgumentException("x"), new InvalidOperationException("x"), new InvalidDataException("x"), new NotSupportedException("x"), new FormatException("x") })
        {
            (int exit, string error) = WithDebug(null, () => Run(() => throw bug));

            Assert.Equal(70, exit);
            Assert.Equal($"edgellm test: internal error: {bug.GetType().FullName}: x (please report this)\n", error);
        }
    }

    [Fact]
    public void TheDebugVariablePrintsTheFullExceptionAfterTheLine()
    {
        (int exit, string error) = WithDebug("1", () => Run(Throws));

        Assert.Equal(70, exit);
        string[] lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("edgellm test: internal error: System.InvalidOperationException: unreachable state (please report this)", lines[0]);
        Assert.Contains(lines, line => line.TrimStart().StartsWith("at ", StringComparison.Ordinal) && line.Contains(nameof(Throws), StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheAsyncPathReportsTheSameWay()
    {
        string? saved = Environment.GetEnvironmentVariable(CommandErrors.DebugVariable);
        Environment.SetEnvironmentVariable(CommandErrors.DebugVariable, null);
        TextWriter original = Console.Error;
        var error = new StringWriter();
        try
        {
            Console.SetError(error);
            int expected = await CommandErrors.RunAsync("test", () => Task.FromException<int>(new EdgeLlmException("bad")));
            int bug = await CommandErrors.RunAsync("test", () => Task.FromException<int>(new KeyNotFoundException("k")));
            Assert.Equal((1, 70), (expected, bug));
        }
        finally
        {
            Console.SetError(original);
            Environment.SetEnvironmentVariable(CommandErrors.DebugVariable, saved);
        }

        Assert.Equal("edgellm test: error: bad\nedgellm test: internal error: System.Collections.Generic.KeyNotFoundException: k (please report this)\n", error.ToString().ReplaceLineEndings("\n"));
    }

    private static int Throws() => throw new InvalidOperationException("unreachable state");

    private static (int Exit, string Error) Run(Func<int> body)
    {
        TextWriter original = Console.Error;
        var error = new StringWriter();
        try
        {
            Console.SetError(error);
            int exit = CommandErrors.Run("test", body);
            return (exit, error.ToString().ReplaceLineEndings("\n"));
        }
        finally
        {
            Console.SetError(original);
        }
    }

    private static T WithDebug<T>(string? value, Func<T> run)
    {
        string? saved = Environment.GetEnvironmentVariable(CommandErrors.DebugVariable);
        Environment.SetEnvironmentVariable(CommandErrors.DebugVariable, value);
        try
        {
            return run();
        }
        finally
        {
            Environment.SetEnvironmentVariable(CommandErrors.DebugVariable, saved);
        }
    }
}

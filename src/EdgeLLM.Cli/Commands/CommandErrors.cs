using System.Runtime.InteropServices;

namespace EdgeLLM.Cli.Commands;

/// <summary>
/// Runs a verb's body and turns every expected failure (bad files, unsupported models, missing
/// permissions, Ctrl-C) into one line on stderr and a non-zero exit code, never a stack trace.
/// </summary>
public static class CommandErrors
{
    /// <summary>Exit code for bad input or a failed operation.</summary>
    public const int Failure = 1;

    /// <summary>Exit code after Ctrl-C (128 + SIGINT), as shells report it.</summary>
    public const int Interrupted = 130;

    public static int Run(string verb, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine($"edgellm {verb}: interrupted");
            return Interrupted;
        }
        catch (Exception exception) when (IsExpected(Cause(exception)))
        {
            Console.Error.WriteLine($"edgellm {verb}: error: {OneLine(Cause(exception))}");
            return Failure;
        }
    }

    public static async Task<int> RunAsync(string verb, Func<Task<int>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine($"edgellm {verb}: interrupted");
            return Interrupted;
        }
        catch (Exception exception) when (IsExpected(Cause(exception)))
        {
            Console.Error.WriteLine($"edgellm {verb}: error: {OneLine(Cause(exception))}");
            return Failure;
        }
    }

    private static bool IsExpected(Exception exception) => exception is
        IOException or UnauthorizedAccessException or InvalidDataException or NotSupportedException
        or ArgumentException or InvalidOperationException or FormatException or ExternalException
        or OutOfMemoryException or System.Text.Json.JsonException or TimeoutException;

    /// <summary>
    /// The failure itself: an error loading ONNX Runtime's built-in library (src/EdgeLLM.Runtime/Native) surfaces
    /// from inside ONNX Runtime's static constructor, wrapped in a <see cref="TypeInitializationException"/>.
    /// </summary>
    private static Exception Cause(Exception exception)
        => exception is TypeInitializationException { InnerException: { } inner } ? Cause(inner) : exception;

    private static string OneLine(Exception exception)
        => exception.Message.ReplaceLineEndings(" ").Trim();
}

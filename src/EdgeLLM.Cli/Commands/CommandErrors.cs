using System.Runtime.InteropServices;
using EdgeLLM.Format;

namespace EdgeLLM.Cli.Commands;

/// <summary>
/// Runs a verb's body and turns every expected failure (an <see cref="EdgeLlmException"/> from the libraries: bad
/// files, unsupported models, refused settings; the file system; missing memory; a missing native library; Ctrl-C)
/// into one line on stderr and exit 1 (130 for Ctrl-C). Any other exception is a bug: one line naming its type and
/// exit 70, with the full exception only when EDGELLM_DEBUG=1.
/// </summary>
public static class CommandErrors
{
    /// <summary>Exit code for bad input or a failed operation.</summary>
    public const int Failure = 1;

    /// <summary>Exit code for a bug (an exception no library throws on purpose): EX_SOFTWARE from sysexits.h.</summary>
    public const int InternalError = 70;

    /// <summary>Exit code after Ctrl-C (128 + SIGINT), as shells report it.</summary>
    public const int Interrupted = 130;

    /// <summary>The environment variable that, set to 1, adds the full exception (stack trace included) to an internal error.</summary>
    public const string DebugVariable = "EDGELLM_DEBUG";

    public static int Run(string verb, Func<int> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            return body();
        }
        catch (Exception exception)
        {
            return Report(verb, exception);
        }
    }

    public static async Task<int> RunAsync(string verb, Func<Task<int>> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            return Report(verb, exception);
        }
    }

    private static int Report(string verb, Exception exception)
    {
        if (exception is OperationCanceledException)
        {
            Console.Error.WriteLine($"edgellm {verb}: interrupted");
            return Interrupted;
        }

        Exception cause = Cause(exception);
        if (IsExpected(cause))
        {
            Console.Error.WriteLine($"edgellm {verb}: error: {OneLine(cause)}");
            return Failure;
        }

        Console.Error.WriteLine($"edgellm {verb}: internal error: {cause.GetType().FullName}: {OneLine(cause)} (please report this)");
        if (Environment.GetEnvironmentVariable(DebugVariable) == "1")
        {
            Console.Error.WriteLine(exception.ToString());
        }

        return InternalError;
    }

    /// <summary>
    /// The failures a user or the machine causes: the libraries' own type, the file system, memory, and a native
    /// library that is missing, does not match, or reports an error of its own (ONNX Runtime's exception is an
    /// <see cref="ExternalException"/>).
    /// </summary>
    private static bool IsExpected(Exception exception) => exception is
        EdgeLlmException or IOException or UnauthorizedAccessException or OutOfMemoryException
        or DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or ExternalException;

    /// <summary>
    /// The failure itself: an error loading ONNX Runtime's built-in library (src/EdgeLLM.Runtime/Native) surfaces
    /// from inside ONNX Runtime's static constructor, wrapped in a <see cref="TypeInitializationException"/>.
    /// </summary>
    private static Exception Cause(Exception exception)
        => exception is TypeInitializationException { InnerException: { } inner } ? Cause(inner) : exception;

    private static string OneLine(Exception exception)
        => exception.Message.ReplaceLineEndings(" ").Trim();
}

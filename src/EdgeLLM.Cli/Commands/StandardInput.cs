using System.Globalization;

namespace EdgeLLM.Cli.Commands;

/// <summary>
/// Whether standard input was closed when the program started (<c>edgellm generate &lt;&amp;-</c>). The runtime's
/// own first open then takes descriptor 0 (a NativeAOT binary: /dev/urandom, which never ends; the dotnet host:
/// an internal pipe, which never closes), so reading "stdin" would hang. Every descriptor the runtime opens is
/// close-on-exec, and a descriptor inherited as stdin never is: on Linux, O_CLOEXEC on descriptor 0
/// (/proc/self/fdinfo/0) or no descriptor 0 at all means there is no standard input.
/// </summary>
internal static class StandardInput
{
    private const int CloseOnExec = 0x80000; // O_CLOEXEC (02000000 octal)

    public static bool IsClosed => OperatingSystem.IsLinux() && ClosedOnLinux();

    private static bool ClosedOnLinux()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/fdinfo/0"))
            {
                if (line.StartsWith("flags:", StringComparison.Ordinal)
                    && int.TryParse(line.AsSpan(6).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out _))
                {
                    int flags = Convert.ToInt32(line[6..].Trim(), 8);
                    return (flags & CloseOnExec) != 0;
                }
            }

            return false;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // No descriptor 0 (or no /proc): treat as closed only when the descriptor is really missing.
            return exception is FileNotFoundException or DirectoryNotFoundException && Directory.Exists("/proc/self/fdinfo");
        }
    }
}

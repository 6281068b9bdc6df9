using System.Text.RegularExpressions;

namespace EdgeLLM.Published.Tests.Offline;

/// <summary>
/// What <c>strace -f -e trace=%network,%file</c> recorded of a run: the sockets it created (by address family)
/// and the files it created (open with O_CREAT, creat, mkdir, rename or link targets that succeeded).
/// </summary>
internal sealed partial class StraceLog
{
    /// <summary>The trace expression the log must be written with.</summary>
    public const string Trace = "trace=%network,openat,open,creat,mkdir,mkdirat,rename,renameat,renameat2,link,linkat,symlink,symlinkat";

    private StraceLog(IReadOnlyList<string> lines) => Lines = lines;

    public IReadOnlyList<string> Lines { get; }

    /// <summary>The lines of successful socket() calls whose family is not AF_UNIX, and of connect/sendto/sendmsg to an AF_INET(6) address.</summary>
    public IEnumerable<string> NonLocalSockets
        => Lines.Where(line => (SocketCall().IsMatch(line) && !line.Contains("socket(AF_UNIX", StringComparison.Ordinal) && !Failed(line))
            || (AddressCall().IsMatch(line) && (line.Contains("AF_INET", StringComparison.Ordinal) || line.Contains("AF_NETLINK", StringComparison.Ordinal))));

    /// <summary>Every path the run created (or renamed or linked a file to), as written in the call.</summary>
    public IEnumerable<string> CreatedPaths
        => Lines.Where(line => !Failed(line)).SelectMany(CreatedBy);

    public static StraceLog Read(string path) => new(File.ReadAllLines(path));

    private static bool Failed(string line) => FailedResult().IsMatch(line) || line.Contains("<unfinished ...>", StringComparison.Ordinal);

    private static IEnumerable<string> CreatedBy(string line)
    {
        string[] paths = [.. QuotedPath().Matches(line).Select(match => match.Groups[1].Value)];
        if (paths.Length == 0)
        {
            return [];
        }

        if (OpenCall().IsMatch(line))
        {
            return line.Contains("O_CREAT", StringComparison.Ordinal) ? [paths[0]] : [];
        }

        if (CreateCall().IsMatch(line))
        {
            return [paths[0]];
        }

        // rename/link/symlink: the last path is the new name.
        return MoveCall().IsMatch(line) ? [paths[^1]] : [];
    }

    [GeneratedRegex(@"\bsocket\(")]
    private static partial Regex SocketCall();

    [GeneratedRegex(@"\b(connect|sendto|sendmsg|bind)\(")]
    private static partial Regex AddressCall();

    [GeneratedRegex(@"\) = -1 ")]
    private static partial Regex FailedResult();

    [GeneratedRegex("\"((?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex QuotedPath();

    [GeneratedRegex(@"\b(openat|open)\(")]
    private static partial Regex OpenCall();

    [GeneratedRegex(@"\b(creat|mkdir|mkdirat)\(")]
    private static partial Regex CreateCall();

    [GeneratedRegex(@"\b(rename|renameat|renameat2|link|linkat|symlink|symlinkat)\(")]
    private static partial Regex MoveCall();
}

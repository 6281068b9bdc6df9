using EdgeLLM.Format.Files;

namespace EdgeLLM.Cli.Commands;

/// <summary>How <see cref="TerminalProgressBar"/> shows a <see cref="FileProgress"/> (pack and verify).</summary>
internal static class FileProgressBar
{
    public static (string Item, long BytesDone, long BytesTotal) Describe(FileProgress progress)
        => (progress.FileName, progress.BytesDone, progress.BytesTotal);
}

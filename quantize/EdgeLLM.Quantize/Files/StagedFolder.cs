namespace EdgeLLM.Quantize.Files;

/// <summary>
/// An output folder written in a hidden temporary sibling and renamed into place by <see cref="Commit"/>,
/// so a failed or interrupted run never leaves a folder that looks complete. Disposing without
/// committing deletes the temporary folder.
/// </summary>
public sealed class StagedFolder : IDisposable
{
    private bool committed;

    private StagedFolder(string outputFolder, string path)
    {
        OutputFolder = outputFolder;
        Path = path;
    }

    /// <summary>The final folder (full path).</summary>
    public string OutputFolder { get; }

    /// <summary>The temporary folder to write into.</summary>
    public string Path { get; }

    /// <summary>
    /// Checks that <paramref name="outputFolder"/> is absent, empty, or may be replaced, and creates the
    /// temporary sibling. Errors are one-line <see cref="IOException"/>s naming the folder.
    /// </summary>
    public static StagedFolder Create(string outputFolder, bool replace)
    {
        string output = System.IO.Path.GetFullPath(outputFolder);
        if (File.Exists(output))
        {
            throw new IOException($"output '{output}' is a file, not a folder");
        }

        if (!replace && Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any())
        {
            throw new IOException($"output folder '{output}' exists and is not empty (use --force to replace it)");
        }

        string parent = System.IO.Path.GetDirectoryName(output) ?? throw new IOException($"output folder '{output}' has no parent folder");
        string temporary = System.IO.Path.Combine(parent, $".{System.IO.Path.GetFileName(output)}.partial-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(temporary);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"cannot write output folder '{output}': {exception.Message.ReplaceLineEndings(" ")}", exception);
        }

        return new StagedFolder(output, temporary);
    }

    /// <summary>Moves the finished folder into place (an existing one is moved aside first, then deleted).</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(committed, this);
        if (Directory.Exists(OutputFolder))
        {
            string old = $"{Path}.old";
            Directory.Move(OutputFolder, old);
            Directory.Move(Path, OutputFolder);
            TryDelete(old);
        }
        else
        {
            Directory.Move(Path, OutputFolder);
        }

        committed = true;
    }

    public void Dispose()
    {
        if (!committed)
        {
            TryDelete(Path);
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
        }
    }
}

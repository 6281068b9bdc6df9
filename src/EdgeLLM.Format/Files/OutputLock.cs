namespace EdgeLLM.Format.Files;

/// <summary>
/// An exclusive lock on an output for the whole run: a file <c>.&lt;name&gt;.lock</c> beside the output (or
/// <c>.edgellm.lock</c> inside an existing output whose parent cannot be written, such as a USB stick's
/// mount point), opened with <see cref="FileShare.None"/> (flock on Unix, a share mode on Windows). A second
/// writer to the same output is refused with one line; the operating system releases the lock when the
/// process ends however it ends, so a lock file left by a killed run is not held and is simply reused.
/// </summary>
public sealed class OutputLock : IDisposable
{
    /// <summary>The lock's name inside an output folder.</summary>
    public const string InsideName = ".edgellm.lock";

    private readonly FileStream stream;

    private OutputLock(FileStream stream, string path)
    {
        this.stream = stream;
        Path = path;
    }

    /// <summary>The lock file.</summary>
    public string Path { get; }

    /// <summary>Takes the lock of <paramref name="output"/> (a full path) or throws one-line <see cref="IOException"/>.</summary>
    public static OutputLock Acquire(string output)
    {
        string parent = System.IO.Path.GetDirectoryName(output) ?? throw new IOException($"output '{output}' has no parent folder");
        string beside = System.IO.Path.Combine(parent, $".{System.IO.Path.GetFileName(output)}.lock");
        try
        {
            Directory.CreateDirectory(parent);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"cannot write output folder '{output}': {exception.Message.ReplaceLineEndings(" ")}", exception);
        }

        try
        {
            return Open(beside, output);
        }
        catch (UnauthorizedAccessException) when (Directory.Exists(output))
        {
            return Open(System.IO.Path.Combine(output, InsideName), output);
        }
        catch (UnauthorizedAccessException exception)
        {
            throw new IOException($"cannot write beside output '{output}': {exception.Message.ReplaceLineEndings(" ")}", exception);
        }
    }

    public void Dispose()
    {
        try
        {
            File.Delete(Path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Another run may reuse it; an unheld lock file blocks nothing.
        }

        stream.Dispose();
    }

    private static OutputLock Open(string path, string output)
    {
        try
        {
            return new OutputLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None), path);
        }
        catch (IOException exception) when (exception is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new IOException($"output '{output}' is being written by another edgellm run (lock '{path}' is held): wait for it or choose another output", exception);
        }
    }
}

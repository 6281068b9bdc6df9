namespace EdgeLLM.Format.Files;

/// <summary>
/// An output folder written in a hidden temporary folder and moved into place by <see cref="Commit"/>,
/// so a failed or interrupted run never leaves a folder that looks complete; disposing without committing
/// deletes the temporary folder. The output is checked against <see cref="OutputRules"/> (never an input,
/// --force replaces only a folder holding the marker) and locked (<see cref="OutputLock"/>) for the whole run.
/// A new output is staged beside it (<c>.&lt;name&gt;.partial-*</c>) and renamed; an existing output folder
/// (a USB stick's mount point) is staged inside itself (<c>.edgellm.partial-*</c>) and its entries renamed
/// within it, so nothing crosses a filesystem. With the lock held, partial folders of earlier runs that
/// were killed are provably dead and are removed.
/// </summary>
public sealed class StagedFolder : IDisposable
{
    /// <summary>Prefix of a staging folder inside the output.</summary>
    public const string InsidePrefix = ".edgellm.partial-";

    private const string AsidePrefix = ".edgellm.old-";
    private readonly OutputLock outputLock;
    private readonly bool replace;
    private readonly string marker;
    private bool committed;

    private StagedFolder(string outputFolder, string path, OutputLock outputLock, bool replace, string marker)
    {
        OutputFolder = outputFolder;
        Path = path;
        this.outputLock = outputLock;
        this.replace = replace;
        this.marker = marker;
    }

    /// <summary>The final folder (full path).</summary>
    public string OutputFolder { get; }

    /// <summary>The temporary folder to write into.</summary>
    public string Path { get; }

    /// <summary>Partial folders removed because the run that made them is dead (its lock was free).</summary>
    public IReadOnlyList<string> RemovedStale { get; private set; } = [];

    /// <summary>
    /// Checks <paramref name="outputFolder"/> (not a file, apart from every one of <paramref name="inputs"/>,
    /// absent, empty, or replaceable: <paramref name="replace"/> and holding <paramref name="marker"/>), locks
    /// it, removes dead partial folders and creates the temporary folder. Errors are one-line
    /// <see cref="IOException"/>s naming the folder.
    /// </summary>
    public static StagedFolder Create(string outputFolder, bool replace, IEnumerable<string> inputs, string marker)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        string output = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(outputFolder));
        if (File.Exists(output))
        {
            throw new IOException($"output '{output}' is a file, not a folder");
        }

        OutputRules.CheckApartFromInputs(output, inputs);
        OutputLock outputLock = OutputLock.Acquire(output);
        try
        {
            List<string> stale = RemoveStale(output);
            OutputRules.CheckReplaceableFolder(output, replace, marker, OwnEntries(outputLock));
            string parent = System.IO.Path.GetDirectoryName(output) ?? throw new IOException($"output folder '{output}' has no parent folder");
            string temporary = Directory.Exists(output)
                ? System.IO.Path.Combine(output, $"{InsidePrefix}{Guid.NewGuid():N}")
                : System.IO.Path.Combine(parent, $".{System.IO.Path.GetFileName(output)}.partial-{Guid.NewGuid():N}");
            try
            {
                Directory.CreateDirectory(temporary);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                throw new IOException($"cannot write output folder '{output}': {exception.Message.ReplaceLineEndings(" ")}", exception);
            }

            return new StagedFolder(output, temporary, outputLock, replace, marker) { RemovedStale = stale };
        }
        catch
        {
            outputLock.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Moves the finished folder into place. What is there now is replaced only under --force and when it
    /// holds the marker; a folder that appeared during the run without --force is left alone (IOException).
    /// </summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(committed, this);
        bool inside = System.IO.Path.GetDirectoryName(Path) == OutputFolder;
        IReadOnlySet<string> own = OwnEntries(outputLock, inside ? System.IO.Path.GetFileName(Path) : null);
        if (Directory.Exists(OutputFolder))
        {
            // Checked again: the output may have appeared, or changed, while this run wrote.
            try
            {
                OutputRules.CheckReplaceableFolder(OutputFolder, replace, marker, own);
            }
            catch (IOException exception)
            {
                throw new IOException($"{exception.Message} (it appeared or changed during this run; nothing was replaced)", exception);
            }
        }

        if (inside || Directory.Exists(OutputFolder))
        {
            MoveEntriesInto(own);
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

        outputLock.Dispose();
    }

    /// <summary>Replaces the output's entries (but its lock and staging folder) by the staged ones, within the output folder.</summary>
    private void MoveEntriesInto(IReadOnlySet<string> own)
    {
        string aside = System.IO.Path.Combine(OutputFolder, $"{AsidePrefix}{Guid.NewGuid():N}");
        string staging = Path;
        if (System.IO.Path.GetDirectoryName(Path) != OutputFolder)
        {
            // Staged beside a folder that appeared meanwhile (under --force): move the staging inside first.
            staging = System.IO.Path.Combine(OutputFolder, $"{InsidePrefix}{Guid.NewGuid():N}");
            Directory.Move(Path, staging);
        }

        Directory.CreateDirectory(aside);
        foreach (string entry in Directory.EnumerateFileSystemEntries(OutputFolder).ToList())
        {
            string name = System.IO.Path.GetFileName(entry);
            if (!own.Contains(name) && entry != staging && entry != aside)
            {
                Move(entry, System.IO.Path.Combine(aside, name));
            }
        }

        foreach (string entry in Directory.EnumerateFileSystemEntries(staging).ToList())
        {
            Move(entry, System.IO.Path.Combine(OutputFolder, System.IO.Path.GetFileName(entry)));
        }

        TryDelete(staging);
        TryDelete(aside);
    }

    private static void Move(string from, string to)
    {
        if (Directory.Exists(from) && !File.Exists(from))
        {
            Directory.Move(from, to);
        }
        else
        {
            File.Move(from, to);
        }
    }

    /// <summary>Names inside the output that belong to runs, not to the output: the lock and staging or aside folders.</summary>
    private static HashSet<string> OwnEntries(OutputLock outputLock, string? staging = null)
    {
        var names = new HashSet<string>(StringComparer.Ordinal) { OutputLock.InsideName, System.IO.Path.GetFileName(outputLock.Path) };
        if (staging is not null)
        {
            names.Add(staging);
        }

        return names;
    }

    /// <summary>Partial and set-aside folders of earlier runs on this output; dead, since this run holds the lock.</summary>
    private static List<string> RemoveStale(string output)
    {
        var removed = new List<string>();
        string parent = System.IO.Path.GetDirectoryName(output)!;
        var candidates = new List<string>();
        if (Directory.Exists(parent))
        {
            candidates.AddRange(Directory.EnumerateDirectories(parent, $".{System.IO.Path.GetFileName(output)}.partial-*"));
        }

        if (Directory.Exists(output))
        {
            candidates.AddRange(Directory.EnumerateDirectories(output, InsidePrefix + "*"));
            candidates.AddRange(Directory.EnumerateDirectories(output, AsidePrefix + "*"));
        }

        foreach (string folder in candidates)
        {
            if (TryDelete(folder))
            {
                removed.Add(folder);
            }
        }

        return removed;
    }

    private static bool TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
                return true;
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
        }

        return false;
    }
}

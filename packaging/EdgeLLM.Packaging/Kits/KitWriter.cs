using EdgeLLM.Format.Files;
using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Format.Platform;
using EdgeLLM.Format;


namespace EdgeLLM.Packaging.Kits;

/// <summary>
/// <c>edgellm pack</c>: checks every model against its edgellm.json (a corrupt model is never packed), finds each
/// target's binary, then writes the kit in a temporary sibling folder — every file copied and read back
/// (<see cref="VerifiedCopy"/>), the launchers and README, MANIFEST.json last — and renames it into place.
/// </summary>
public static class KitWriter
{
    public static KitManifest Pack(KitRequest request, IProgress<FileProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ModelFolders.Count == 0)
        {
            throw new EdgeLlmException("give at least one model folder");
        }

        IReadOnlyList<string> targets = request.Targets.Count > 0 ? request.Targets : throw new EdgeLlmException("give at least one target");
        IReadOnlyDictionary<string, string> binaries = KitBinaries.Find(request.BinariesFolder, targets);
        IReadOnlyList<PackedModel> models = CheckModels(request.ModelFolders);
        var copies = new List<(string Source, string Path, string? Checksum, long Bytes)>();
        foreach (string rid in targets)
        {
            copies.Add((binaries[rid], KitLayout.BinaryPath(rid), null, new FileInfo(binaries[rid]).Length));
        }

        foreach (PackedModel model in models)
        {
            copies.Add((Path.Combine(model.Folder, ModelManifest.FileName), $"{KitLayout.ModelsFolder}/{model.Name}/{ModelManifest.FileName}", null, new FileInfo(Path.Combine(model.Folder, ModelManifest.FileName)).Length));
            copies.AddRange(model.Manifest.Files.Select(file => (Path.Combine(model.Folder, file.Name), $"{KitLayout.ModelsFolder}/{model.Name}/{file.Name}", (string?)file.Checksum, file.Bytes)));
        }

        using StagedFolder staged = StagedFolder.Create(request.OutputFolder, request.Replace, [.. models.Select(model => model.Folder), .. binaries.Values], KitLayout.ManifestName);
        var files = new List<OutputFile>();
        long bytesTotal = copies.Sum(copy => copy.Bytes);
        long bytesDone = 0;
        foreach ((string source, string relativePath, string? checksum, _) in copies)
        {
            cancellation.ThrowIfCancellationRequested();
            string destination = Destination(staged.Path, relativePath);
            files.Add(VerifiedCopy.Copy(source, destination, relativePath, checksum, copied =>
            {
                cancellation.ThrowIfCancellationRequested();
                bytesDone += copied;
                progress?.Report(new FileProgress(relativePath, bytesDone, bytesTotal));
            }));
        }

        foreach (string rid in targets.Where(rid => !rid.StartsWith("win-", StringComparison.Ordinal)))
        {
            MakeExecutable(Destination(staged.Path, KitLayout.BinaryPath(rid)));
        }

        DateTimeOffset created = DateTimeOffset.UtcNow;
        List<string> modelNames = [.. models.Select(model => model.Name)];
        files.Add(WriteText(staged.Path, KitLayout.ShellLauncher, KitTemplates.ShellLauncher()));
        MakeExecutable(Destination(staged.Path, KitLayout.ShellLauncher));
        files.Add(WriteText(staged.Path, KitLayout.WindowsLauncher, KitTemplates.WindowsLauncher()));
        files.Add(WriteText(staged.Path, KitLayout.ReadmeName, KitTemplates.Readme(ModelManifest.ToolVersion, created, targets, modelNames)));
        var manifest = new KitManifest
        {
            Created = created,
            ToolVersion = ModelManifest.ToolVersion,
            Targets = targets,
            Models = modelNames,
            Files = [.. files.OrderBy(file => file.Name, StringComparer.Ordinal)],
        };
        WriteManifest(staged.Path, manifest);
        cancellation.ThrowIfCancellationRequested();
        staged.Commit();
        return manifest;
    }

    /// <summary>Each model checked in full against its edgellm.json (sizes and XXH3-128); names must be unique.</summary>
    private static List<PackedModel> CheckModels(IReadOnlyList<string> folders)
    {
        var models = new List<PackedModel>();
        foreach (string folder in folders)
        {
            string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
            if (!Directory.Exists(full))
            {
                throw new DirectoryNotFoundException($"model folder '{folder}' not found");
            }

            ModelManifestInfo manifest = ModelManifestReader.Read(full);
            FolderVerification verification = ModelFolderVerifier.Verify(full, manifest, checksums: true);
            string[] problems = [.. verification.Problems().Where(problem => !problem.StartsWith("extra:", StringComparison.Ordinal))];
            if (problems.Length > 0)
            {
                throw new EdgeLlmException($"model folder '{folder}' does not match its {ModelManifest.FileName}, not packed: {string.Join("; ", problems.Take(3))} (convert or copy it again)");
            }

            string name = Path.GetFileName(full);
            if (models.Any(model => model.Name == name))
            {
                throw new EdgeLlmException($"two models are named '{name}': a kit holds each under models/<folder name>, rename one folder");
            }

            models.Add(new PackedModel(name, full, manifest));
        }

        return models;
    }

    private static string Destination(string root, string relativePath)
    {
        string path = Path.Combine(root, relativePath.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    /// <summary>Writes a small text file through a temporary source so it gets the same read-back check as the rest.</summary>
    private static OutputFile WriteText(string root, string relativePath, string text)
    {
        string destination = Destination(root, relativePath);
        string source = destination + ".source";
        File.WriteAllText(source, text);
        try
        {
            return VerifiedCopy.Copy(source, destination, relativePath, expectedChecksum: null);
        }
        finally
        {
            File.Delete(source);
        }
    }

    private static void WriteManifest(string root, KitManifest manifest)
    {
        using var stream = new FileStream(Path.Combine(root, KitLayout.ManifestName), FileMode.Create, FileAccess.Write, FileShare.None);
        manifest.Write(stream);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>rwxr-xr-x where the file system keeps modes; FAT32/exFAT and Windows do not, which the launcher handles.</summary>
    private static void MakeExecutable(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        try
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
        }
    }

    private sealed record PackedModel(string Name, string Folder, ModelManifestInfo Manifest);
}

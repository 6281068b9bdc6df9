using System.CommandLine;
using EdgeLLM.Format.Files;
using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Packaging.Kits;

namespace EdgeLLM.Cli.Commands;

/// <summary>
/// <c>edgellm verify &lt;kit-or-model&gt;</c>: re-hashes a USB kit against its MANIFEST.json, or a model folder against
/// its edgellm.json; names each missing, resized, corrupted or extra file; exit 0 when intact, 1 otherwise.
/// </summary>
public static class VerifyCommand
{
    public static Command Create()
    {
        var folderArgument = new Argument<string>("dir") { Description = "An EdgeLLM kit (holding MANIFEST.json) or model folder (holding edgellm.json)" };
        var command = new Command("verify", "Re-hash every file of a kit or a model folder and name each missing, corrupted or extra file")
        {
            folderArgument,
        };
        command.SetAction(parse => CommandErrors.Run("verify", () =>
        {
            string folder = parse.GetValue(folderArgument)!;
            if (!Directory.Exists(folder))
            {
                throw new DirectoryNotFoundException($"'{folder}' is not a folder");
            }

            (string manifestName, int fileCount, FolderVerification result) = KitLayout.IsKit(folder) ? VerifyKit(folder) : VerifyModel(folder);
            foreach (string problem in result.Problems())
            {
                Console.Out.WriteLine(problem);
            }

            Console.Out.WriteLine(result.IsIntact
                ? $"ok: {fileCount} files match {manifestName} (XXH3-128)"
                : $"FAILED: {result.Problems().Count()} problem(s) in '{folder}'");
            return result.IsIntact ? 0 : CommandErrors.Failure;
        }));
        return command;
    }

    private static (string, int, FolderVerification) VerifyKit(string folder)
    {
        KitManifest manifest = KitManifest.Read(folder);
        return (KitLayout.ManifestName, manifest.Files.Count, WithProgress(progress => KitVerifier.Verify(folder, manifest, progress)));
    }

    private static (string, int, FolderVerification) VerifyModel(string folder)
    {
        if (!File.Exists(Path.Combine(folder, ModelManifest.FileName)))
        {
            throw new FileNotFoundException($"'{folder}' holds neither {KitLayout.ManifestName} (a kit made by 'edgellm pack') nor {ModelManifest.FileName} (a model made by 'edgellm quantize')");
        }

        ModelManifestInfo manifest = ModelManifestReader.Read(folder);
        return (ModelManifest.FileName, manifest.Files.Count, WithProgress(progress => ModelFolderVerifier.Verify(folder, manifest, checksums: true, progress)));
    }

    private static FolderVerification WithProgress(Func<IProgress<FileProgress>?, FolderVerification> verify)
        => TerminalProgressBar.Run(quiet: false, "checking", FileProgressBar.Describe, verify);
}

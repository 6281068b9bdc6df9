using System.CommandLine;
using EdgeLLM.Quantize.Conversion;

namespace EdgeLLM.Cli.Commands;

/// <summary><c>edgellm verify &lt;dir&gt;</c>: re-hashes a model folder against its edgellm.json; exit 0 when intact, 1 otherwise.</summary>
public static class VerifyCommand
{
    public static Command Create()
    {
        var folderArgument = new Argument<string>("dir") { Description = "An EdgeLLM model folder (holding edgellm.json)" };
        var command = new Command("verify", "Re-hash every file of a model folder and name each missing, corrupted or extra file")
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

            ModelManifestInfo manifest = ModelManifestReader.Read(folder);
            FolderVerification result = ModelFolderVerifier.Verify(folder, manifest, checksums: true);
            foreach (string problem in result.Problems())
            {
                Console.Out.WriteLine(problem);
            }

            Console.Out.WriteLine(result.IsIntact
                ? $"ok: {manifest.Files.Count} files match {ModelManifest.FileName} (XXH3-128)"
                : $"FAILED: {result.Problems().Count()} problem(s) in '{folder}'");
            return result.IsIntact ? 0 : CommandErrors.Failure;
        }));
        return command;
    }
}

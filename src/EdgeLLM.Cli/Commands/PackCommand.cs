using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using EdgeLLM.Format.Files;
using EdgeLLM.Format.Platform;
using EdgeLLM.Packaging.Kits;

namespace EdgeLLM.Cli.Commands;

/// <summary>
/// <c>edgellm pack -o &lt;folder&gt; --model &lt;dir&gt;... --targets linux-x64,linux-arm64 [--binaries &lt;dir&gt;] [--force]</c>:
/// a USB field kit with a binary per target, the models, launchers, README.txt and MANIFEST.json.
/// </summary>
public static class PackCommand
{
    public static Command Create()
    {
        var outputOption = new Option<string>("--output", "-o") { Description = "The kit folder to write (e.g. the USB stick's mount point or a folder on it)", Required = true };
        var modelOption = new Option<string[]>("--model", "-m") { Description = "An EdgeLLM model folder to carry (repeat for several)", Required = true, AllowMultipleArgumentsPerToken = false };
        var targetsOption = new Option<string>("--targets") { Description = $"Comma-separated platforms: {string.Join(",", KitLayout.KnownTargets)}", DefaultValueFactory = _ => "linux-x64,linux-x64-v3,linux-x64-v4,linux-arm64" };
        var binariesOption = new Option<string?>("--binaries") { Description = "Folder holding <rid>/edgellm[.exe] (default: the folder this binary was published into, or the repository's out/publish)" };
        var forceOption = new Option<bool>("--force") { Description = "Replace a non-empty output folder" };
        var quietOption = new Option<bool>("--quiet", "-q") { Description = "No progress bar" };
        var command = new Command("pack", "Make a USB field kit: binaries for each platform, models, launchers, README.txt and a checksummed MANIFEST.json");
        foreach (Option option in new Option[] { outputOption, modelOption, targetsOption, binariesOption, forceOption, quietOption })
        {
            command.Options.Add(option);
        }

        command.SetAction(parse => CommandErrors.Run("pack", () =>
        {
            var request = new KitRequest
            {
                OutputFolder = parse.GetValue(outputOption)!,
                ModelFolders = parse.GetValue(modelOption) ?? [],
                Targets = KitLayout.ParseTargets(parse.GetValue(targetsOption)!),
                BinariesFolder = parse.GetValue(binariesOption) is { } binaries ? Path.GetFullPath(binaries) : KitBinaries.DefaultRoot(AppContext.BaseDirectory, Environment.GetEnvironmentVariable(KitBinaries.KitVariable)),
                Replace = parse.GetValue(forceOption),
            };
            using var cancellation = new ConsoleCancellation();
            var clock = Stopwatch.StartNew();
            KitManifest manifest = TerminalProgressBar.Run<FileProgress, KitManifest>(
                parse.GetValue(quietOption),
                "copying",
                FileProgressBar.Describe,
                progress => KitWriter.Pack(request, progress, cancellation.Token));
            long bytes = manifest.Files.Sum(file => file.Bytes);
            Console.Out.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"pack: wrote {Path.GetFullPath(request.OutputFolder)}: {string.Join(", ", manifest.Targets)}; models {string.Join(", ", manifest.Models)}; {manifest.Files.Count} files, {bytes:N0} bytes, each read back and matching {KitLayout.ManifestName} (XXH3-128), {clock.Elapsed.TotalSeconds:F1} s"));
            return 0;
        }));
        return command;
    }
}

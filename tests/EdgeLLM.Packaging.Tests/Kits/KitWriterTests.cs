using System.Text.Json;
using EdgeLLM.Format.Files;
using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Format;
using EdgeLLM.Packaging.Kits;

namespace EdgeLLM.Packaging.Tests.Kits;

[Collection(KitCollection.Name)]
public sealed class KitWriterTests(KitFixture fixture)
{
    [Fact]
    public void PackLaysOutBinariesModelsLaunchersReadmeAndManifest()
    {
        string kit = fixture.PackKit();

        string[] expected =
        [
            "MANIFEST.json", "README.txt", "bin/linux-arm64/edgellm", "bin/linux-x64/edgellm", "edgellm.cmd", "edgellm.sh",
            .. ModelFiles().Select(name => $"models/{KitFixture.ModelName}/{name}"),
        ];
        string[] actual = [.. Directory.EnumerateFiles(kit, "*", SearchOption.AllDirectories).Select(path => KitLayout.RelativePath(kit, path))];
        Assert.Equal(expected.Order(StringComparer.Ordinal), actual.Order(StringComparer.Ordinal));
        Assert.Equal(File.ReadAllBytes(Path.Combine(fixture.Binaries, "linux-arm64", "edgellm")), File.ReadAllBytes(Path.Combine(kit, "bin", "linux-arm64", "edgellm")));
        Assert.True(IsExecutable(Path.Combine(kit, "edgellm.sh")));
        Assert.True(IsExecutable(Path.Combine(kit, "bin", "linux-x64", "edgellm")));
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(kit)!), entry => Path.GetFileName(entry).StartsWith('.'));
    }

    [Fact]
    public void ManifestRecordsEveryFileWithItsSizeAndXxh3()
    {
        string kit = fixture.PackKit();

        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(kit, KitLayout.ManifestName)));
        JsonElement root = document.RootElement;
        Assert.Equal("edgellm-kit", root.GetProperty("format").GetString());
        Assert.Equal(1, root.GetProperty("format_version").GetInt32());
        Assert.True(DateTimeOffset.UtcNow - DateTimeOffset.Parse(root.GetProperty("created").GetString()!, System.Globalization.CultureInfo.InvariantCulture) < TimeSpan.FromDays(1));
        Assert.Equal(["linux-x64", "linux-arm64"], root.GetProperty("targets").EnumerateArray().Select(item => item.GetString()));
        Assert.Equal([KitFixture.ModelName], root.GetProperty("models").EnumerateArray().Select(item => item.GetString()));
        JsonElement[] files = [.. root.GetProperty("files").EnumerateArray()];
        Assert.Equal(Directory.EnumerateFiles(kit, "*", SearchOption.AllDirectories).Count() - 1, files.Length);
        foreach (JsonElement file in files)
        {
            string path = Path.Combine(kit, file.GetProperty("path").GetString()!);
            Assert.Equal(new FileInfo(path).Length, file.GetProperty("bytes").GetInt64());
            Assert.Equal(FileChecksum.Of(path), file.GetProperty("xxh3_128").GetString());
        }

        // The model's files carry the same XXH3-128 as the model's own edgellm.json recorded at conversion.
        ModelManifestInfo model = ModelManifestReader.Read(fixture.Model);
        foreach (OutputFile modelFile in model.Files)
        {
            JsonElement entry = files.Single(file => file.GetProperty("path").GetString() == $"models/{KitFixture.ModelName}/{modelFile.Name}");
            Assert.Equal(modelFile.Checksum, entry.GetProperty("xxh3_128").GetString());
        }
    }

    [Fact]
    public void LaunchersAndReadmeAreFilledIn()
    {
        string kit = fixture.PackKit();

        string shell = File.ReadAllText(Path.Combine(kit, "edgellm.sh"));
        Assert.StartsWith("#!/bin/sh\n", shell, StringComparison.Ordinal);
        Assert.DoesNotContain('\r', shell);
        Assert.Contains("EDGELLM_MODELS=\"$kit_dir/models\"", shell, StringComparison.Ordinal);
        Assert.Contains("\r\n", File.ReadAllText(Path.Combine(kit, "edgellm.cmd")), StringComparison.Ordinal);
        string readme = File.ReadAllText(Path.Combine(kit, "README.txt"));
        Assert.Contains($"bash edgellm.sh generate -m {KitFixture.ModelName} --chat", readme, StringComparison.Ordinal);
        Assert.Contains("bin/             the program, one folder per kind of computer: linux-x64, linux-arm64", readme, StringComparison.Ordinal);
        Assert.Contains("bash edgellm.sh verify .", readme, StringComparison.Ordinal);
        Assert.DoesNotContain("{{", readme, StringComparison.Ordinal);
    }

    [Fact]
    public void ShellLauncherIsValidPosixShell()
    {
        string kit = fixture.PackKit();

        (int exitCode, _, string error) = Processes.Run("sh", ["-n", Path.Combine(kit, "edgellm.sh")]);
        Assert.True(exitCode == 0, error);
    }

    [Fact]
    public void ANonEmptyOutputFolderIsRefusedWithoutForce()
    {
        string output = fixture.NewFolder("occupied");
        File.WriteAllText(Path.Combine(output, "keep.txt"), "mine");

        (int exitCode, string stdout, string error) = CliRunner.Run(["pack", "-o", output, "--model", fixture.Model, "--targets", "linux-x64", "--binaries", fixture.Binaries]);

        Assert.Equal(1, exitCode);
        Assert.Equal("", stdout);
        Assert.Contains("exists and is not empty (replace it only by forcing)", error, StringComparison.Ordinal);
        Assert.Equal(["keep.txt"], Directory.EnumerateFiles(output).Select(Path.GetFileName));

        // --force replaces only a kit (a folder with MANIFEST.json), never an unrelated folder (issue 16, item 2).
        (exitCode, stdout, error) = CliRunner.Run(["pack", "-o", output, "--model", fixture.Model, "--targets", "linux-x64", "--binaries", fixture.Binaries, "--force"]);
        Assert.Equal(1, exitCode);
        Assert.Contains("was not made by edgellm (no MANIFEST.json)", error, StringComparison.Ordinal);
        Assert.Equal(["keep.txt"], Directory.EnumerateFiles(output).Select(Path.GetFileName));

        string kit = Path.Combine(fixture.NewFolder("kit"), "kit");
        Assert.Equal(0, CliRunner.Run(["pack", "-o", kit, "--model", fixture.Model, "--targets", "linux-x64", "--binaries", fixture.Binaries]).ExitCode);
        File.WriteAllText(Path.Combine(kit, "stale.txt"), "old");
        (exitCode, stdout, error) = CliRunner.Run(["pack", "-o", kit, "--model", fixture.Model, "--targets", "linux-x64", "--binaries", fixture.Binaries, "--force"]);
        Assert.True(exitCode == 0, error);
        Assert.StartsWith($"pack: wrote {kit}: linux-x64; models {KitFixture.ModelName};", stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(kit, "stale.txt")));
        Assert.True(File.Exists(Path.Combine(kit, KitLayout.ManifestName)));

        // pack -o KIT --force --model KIT/models/... : the output holds an input.
        (exitCode, _, error) = CliRunner.Run(["pack", "-o", kit, "--model", Path.Combine(kit, "models", KitFixture.ModelName), "--targets", "linux-x64", "--binaries", fixture.Binaries, "--force"]);
        Assert.Equal(1, exitCode);
        Assert.Contains($"output '{kit}' contains the input", error, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(kit, KitLayout.ManifestName)));
    }

    [Fact]
    public void AMissingTargetBinaryIsOneErrorNamingThePublishCommand()
    {
        string output = Path.Combine(fixture.NewFolder("no-binary"), "kit");

        (int exitCode, _, string error) = CliRunner.Run(["pack", "-o", output, "--model", fixture.Model, "--targets", "linux-x64,osx-arm64", "--binaries", fixture.Binaries]);

        Assert.Equal(1, exitCode);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.Contains("no edgellm binary for osx-arm64", error, StringComparison.Ordinal);
        Assert.Contains("'bash packaging/publish.sh osx-arm64'", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void AnUnknownTargetIsRefused()
    {
        (int exitCode, _, string error) = CliRunner.Run(["pack", "-o", Path.Combine(fixture.NewFolder("bad-target"), "kit"), "--model", fixture.Model, "--targets", "linux-x86", "--binaries", fixture.Binaries]);

        Assert.Equal(1, exitCode);
        Assert.Contains("unknown target 'linux-x86'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ACorruptModelIsNeverPacked()
    {
        string model = CopyOfModel();
        Damage.FlipByte(Path.Combine(model, "model.onnx.data"), offset: 4096);
        string output = Path.Combine(fixture.NewFolder("corrupt-source"), "kit");

        (int exitCode, string stdout, string error) = CliRunner.Run(["pack", "-o", output, "--model", model, "--targets", "linux-x64", "--binaries", fixture.Binaries]);

        Assert.Equal(1, exitCode);
        Assert.Equal("", stdout);
        Assert.Contains("does not match its edgellm.json, not packed: corrupted: model.onnx.data (checksum differs)", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(output)!));
    }

    [Fact]
    public void CopyingNamesAReadBackMismatch()
    {
        string folder = fixture.NewFolder("copy");
        string source = Path.Combine(folder, "source.bin");
        File.WriteAllBytes(source, [.. Enumerable.Range(0, 3_000_000).Select(index => (byte)(index * 7))]);

        OutputFile copied = VerifiedCopy.Copy(source, Path.Combine(folder, "copy.bin"), "copy.bin", expectedChecksum: null);
        Assert.Equal(new OutputFile("copy.bin", 3_000_000, FileChecksum.Of(source)), copied);

        EdgeLlmException error = Assert.Throws<EdgeLlmException>(() => VerifiedCopy.Copy(source, Path.Combine(folder, "again.bin"), "again.bin", expectedChecksum: new string('0', 32)));
        Assert.Contains("the source is corrupt, not packed", error.Message, StringComparison.Ordinal);
    }

    private string CopyOfModel()
    {
        string copy = Path.Combine(fixture.NewFolder("model-copy"), KitFixture.ModelName);
        Directory.CreateDirectory(copy);
        foreach (string file in Directory.EnumerateFiles(fixture.Model))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        return copy;
    }

    private static bool IsExecutable(string path) => OperatingSystem.IsWindows() || File.GetUnixFileMode(path).HasFlag(UnixFileMode.UserExecute);

    private string[] ModelFiles() => [.. Directory.EnumerateFiles(fixture.Model).Select(path => Path.GetFileName(path)!)];
}

namespace EdgeLLM.Packaging.Tests.Kits;

/// <summary><c>edgellm verify &lt;kit&gt;</c>: every file re-hashed against MANIFEST.json, each problem named, exit 0/1.</summary>
[Collection(KitCollection.Name)]
public sealed class KitVerifierTests(KitFixture fixture)
{
    private static readonly string DataFile = $"models/{KitFixture.ModelName}/model.onnx.data";

    [Fact]
    public void AnIntactKitVerifies()
    {
        string kit = fixture.PackKit();

        (int exitCode, string output, string error) = CliRunner.Run(["verify", kit]);

        Assert.True(exitCode == 0, error);
        int files = Directory.EnumerateFiles(kit, "*", SearchOption.AllDirectories).Count() - 1;
        Assert.Equal($"ok: {files} files match MANIFEST.json (XXH3-128)\n", output);
    }

    [Fact]
    public void AFlippedByteInAModelFileIsNamed()
    {
        string kit = fixture.PackKit();
        Damage.FlipByte(Path.Combine(kit, DataFile), offset: 12345, keepModificationTime: true);

        (int exitCode, string output, _) = CliRunner.Run(["verify", kit]);

        Assert.Equal(1, exitCode);
        Assert.Equal([$"corrupted: {DataFile} (checksum differs)", $"FAILED: 1 problem(s) in '{kit}'"], Lines(output));
    }

    [Fact]
    public void ATruncatedCopyIsNamed()
    {
        string kit = fixture.PackKit();
        Damage.Truncate(Path.Combine(kit, DataFile));

        (int exitCode, string output, _) = CliRunner.Run(["verify", kit]);

        Assert.Equal(1, exitCode);
        Assert.Equal([$"wrong size: {DataFile} (truncated or replaced)", $"FAILED: 1 problem(s) in '{kit}'"], Lines(output));
    }

    [Fact]
    public void MissingAndExtraFilesAreNamed()
    {
        string kit = fixture.PackKit();
        File.Delete(Path.Combine(kit, "bin", "linux-arm64", "edgellm"));
        File.Delete(Path.Combine(kit, "models", KitFixture.ModelName, "tokenizer.json"));
        File.WriteAllText(Path.Combine(kit, "models", KitFixture.ModelName, "notes.txt"), "left by someone");
        File.WriteAllText(Path.Combine(kit, "autorun.inf"), "[autorun]");

        (int exitCode, string output, _) = CliRunner.Run(["verify", kit]);

        Assert.Equal(1, exitCode);
        Assert.Equal(
            [
                "missing: bin/linux-arm64/edgellm",
                $"missing: models/{KitFixture.ModelName}/tokenizer.json",
                "extra: autorun.inf (not in the manifest)",
                $"extra: models/{KitFixture.ModelName}/notes.txt (not in the manifest)",
                $"FAILED: 4 problem(s) in '{kit}'",
            ],
            Lines(output));
    }

    [Fact]
    public void AModelFolderInsideAKitVerifiesAgainstItsOwnManifest()
    {
        string kit = fixture.PackKit();
        string model = Path.Combine(kit, "models", KitFixture.ModelName);

        (int exitCode, string output, _) = CliRunner.Run(["verify", model]);
        Assert.Equal(0, exitCode);
        Assert.StartsWith("ok: ", output, StringComparison.Ordinal);
        Assert.EndsWith("files match edgellm.json (XXH3-128)\n", output, StringComparison.Ordinal);

        Damage.FlipByte(Path.Combine(model, "model.onnx"), offset: 100);
        (exitCode, output, _) = CliRunner.Run(["verify", model]);
        Assert.Equal(1, exitCode);
        Assert.Equal("corrupted: model.onnx (checksum differs)", Lines(output)[0]);
    }

    [Fact]
    public void AFolderThatIsNeitherIsOneError()
    {
        string folder = fixture.NewFolder("plain");

        (int exitCode, _, string error) = CliRunner.Run(["verify", folder]);

        Assert.Equal(1, exitCode);
        Assert.Contains("holds neither MANIFEST.json", error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void ADamagedManifestIsOneError()
    {
        string kit = fixture.PackKit();
        File.WriteAllText(Path.Combine(kit, "MANIFEST.json"), "{\"format\": \"edgellm-kit\", \"format_version\": 1");

        (int exitCode, _, string error) = CliRunner.Run(["verify", kit]);

        Assert.Equal(1, exitCode);
        Assert.Contains("MANIFEST.json: not a valid kit manifest", error, StringComparison.Ordinal);
    }

    private static string[] Lines(string output) => output.TrimEnd('\n').Split('\n');
}

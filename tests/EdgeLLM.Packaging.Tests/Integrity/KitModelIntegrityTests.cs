using System.Text.Json;
using EdgeLLM.Packaging.Integrity;
using EdgeLLM.Packaging.Tests.Kits;

namespace EdgeLLM.Packaging.Tests.Integrity;

/// <summary>
/// The runtime side: <c>generate</c> from a kit refuses a damaged model before any token — in full on the first
/// run on this machine (fresh), by size on later runs, in full again with <c>--verify</c>.
/// </summary>
[Collection(KitCollection.Name)]
public sealed class KitModelIntegrityTests(KitFixture fixture)
{
    private static readonly string[] Prompt = ["--temperature", "0", "--max-tokens", "6", "--json", "-p", "Once upon a time"];

    [Fact]
    public void AFreshKitModelWithAFlippedByteIsRefusedBeforeAnyToken()
    {
        string kit = fixture.PackKit();
        string model = KitModel(kit);
        Damage.FlipByte(Path.Combine(model, "model.onnx.data"), offset: 12345, keepModificationTime: true);

        (int exitCode, string output, string error) = CliRunner.Run(["generate", "-m", model, .. Prompt]);

        Assert.Equal(1, exitCode);
        Assert.Equal("", output);
        Assert.Contains("corrupted: model.onnx.data (checksum differs)", error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.False(new VerifiedStamps(TestCache.Folder).Contains(model));
    }

    [Fact]
    public void ATruncatedKitModelIsRefusedBeforeAnyToken()
    {
        string kit = fixture.PackKit();
        string model = KitModel(kit);
        Damage.Truncate(Path.Combine(model, "model.onnx.data"));

        (int exitCode, string output, string error) = CliRunner.Run(["generate", "-m", model, .. Prompt]);

        Assert.Equal(1, exitCode);
        Assert.Equal("", output);
        Assert.Contains("wrong size: model.onnx.data (truncated or replaced)", error, StringComparison.Ordinal);
    }

    [Fact]
    public void AnIntactKitModelRunsIsStampedAndLaterDamageIsCaughtBySizeOrByVerify()
    {
        string kit = fixture.PackKit();
        string model = KitModel(kit);
        var stamps = new VerifiedStamps(TestCache.Folder);
        Assert.True(KitModelIntegrity.NeedsFullCheck(model, verifyRequested: false, stamps));

        int[] tokens = Tokens(model);
        Assert.Equal(6, tokens.Length);
        Assert.Equal(tokens, Tokens(fixture.Model));
        Assert.True(stamps.Contains(model));
        Assert.False(KitModelIntegrity.NeedsFullCheck(model, verifyRequested: false, stamps));

        // Bit rot that keeps size and time passes the size check of a stamped model; --verify catches it.
        Damage.FlipByte(Path.Combine(model, "model.onnx.data"), offset: 999, keepModificationTime: true);
        Assert.True(stamps.Contains(model));
        (int exitCode, string output, string error) = CliRunner.Run(["generate", "-m", model, "--verify", .. Prompt]);
        Assert.Equal(1, exitCode);
        Assert.Equal("", output);
        Assert.Contains("corrupted: model.onnx.data", error, StringComparison.Ordinal);

        // A write that changes the modification time makes the model fresh again: hashed in full without --verify.
        Damage.FlipByte(Path.Combine(model, "model.onnx.data"), offset: 999);
        Damage.FlipByte(Path.Combine(model, "model.onnx.data"), offset: 2000);
        Assert.False(stamps.Contains(model));
        (exitCode, output, error) = CliRunner.Run(["generate", "-m", model, .. Prompt]);
        Assert.Equal(1, exitCode);
        Assert.Equal("", output);
        Assert.Contains("corrupted: model.onnx.data", error, StringComparison.Ordinal);
    }

    [Fact]
    public void AKitModelWhoseEdgellmJsonDiffersFromTheKitManifestIsRefused()
    {
        string kit = fixture.PackKit();
        string model = KitModel(kit);
        string manifest = Path.Combine(model, "edgellm.json");
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"precision\": \"int4\"", "\"precision\":  \"int4\"", StringComparison.Ordinal));

        (int exitCode, string output, string error) = CliRunner.Run(["generate", "-m", model, .. Prompt]);

        Assert.Equal(1, exitCode);
        Assert.Equal("", output);
        Assert.Contains($"models/{KitFixture.ModelName}/edgellm.json differs from the kit's MANIFEST.json", error, StringComparison.Ordinal);
    }

    [Fact]
    public void AModelOutsideAKitIsNeverFreshWithoutVerify()
    {
        var stamps = new VerifiedStamps(TestCache.Folder);

        Assert.False(KitModelIntegrity.NeedsFullCheck(fixture.Model, verifyRequested: false, stamps));
        Assert.True(KitModelIntegrity.NeedsFullCheck(fixture.Model, verifyRequested: true, stamps));
    }

    [Fact]
    public void AKitModelIsFoundByItsNameThroughTheModelsVariable()
    {
        string kit = fixture.PackKit();
        string? previous = Environment.GetEnvironmentVariable("EDGELLM_MODELS");
        Environment.SetEnvironmentVariable("EDGELLM_MODELS", Path.Combine(kit, "models"));
        try
        {
            Assert.Equal(Tokens(fixture.Model), Tokens(KitFixture.ModelName));
        }
        finally
        {
            Environment.SetEnvironmentVariable("EDGELLM_MODELS", previous);
        }
    }

    private static string KitModel(string kit) => Path.Combine(kit, "models", KitFixture.ModelName);

    private static int[] Tokens(string model)
    {
        (int exitCode, string output, string error) = CliRunner.Run(["generate", "-m", model, .. Prompt]);
        Assert.True(exitCode == 0, error);
        using JsonDocument document = JsonDocument.Parse(output);
        return [.. document.RootElement.GetProperty("tokens").EnumerateArray().Select(id => id.GetInt32())];
    }
}

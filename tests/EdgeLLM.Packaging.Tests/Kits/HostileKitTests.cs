using System.Text.Json.Nodes;
using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Format;
using EdgeLLM.Packaging.Kits;

namespace EdgeLLM.Packaging.Tests.Kits;

/// <summary>
/// Issue 16, items 10 and 13: symlinks inside a model folder or kit were followed (verify listed /etc through a
/// folder link; tokenizer_config.json -> /etc/shadow was read), a duplicated MANIFEST entry was counted twice,
/// a size of 1e30 or a NUL in a path gave unclear or raw messages.
/// </summary>
[Collection(KitCollection.Name)]
public sealed class HostileKitTests(KitFixture fixture)
{
    [Fact]
    public void LinksInsideAKitAreRefusedNotFollowed()
    {
        string kit = fixture.PackKit(targets: ["linux-x64"]);
        Directory.CreateSymbolicLink(Path.Combine(kit, "models", "etc"), "/etc");
        EdgeLlmException folderLink = Assert.Throws<EdgeLlmException>(() => KitVerifier.Verify(kit, KitManifest.Read(kit)));
        Assert.Equal($"kit '{kit}' holds a symbolic link 'models/etc' -> '/etc': a kit holds regular files only (copy the file in instead)", folderLink.Message);
    }

    [Fact]
    public void LinksInsideAModelFolderAreRefusedBeforeAnythingIsRead()
    {
        string model = fixture.NewFolder("model");
        foreach (string file in Directory.GetFiles(fixture.Model))
        {
            File.Copy(file, Path.Combine(model, Path.GetFileName(file)));
        }

        File.Delete(Path.Combine(model, "tokenizer_config.json"));
        File.CreateSymbolicLink(Path.Combine(model, "tokenizer_config.json"), "/etc/hostname");
        EdgeLlmException refused = Assert.Throws<EdgeLlmException>(() => ModelManifestReader.Read(model));
        Assert.Equal($"model folder '{model}' holds a symbolic link 'tokenizer_config.json' -> '/etc/hostname': a model folder holds regular files only (copy the file in instead)", refused.Message);
    }

    [Theory]
    [InlineData("duplicate", "files lists 'README.txt' twice (each file once)")]
    [InlineData("huge", "files[0].bytes of 'README.txt' is 1e30, expected a whole number of bytes from 0 to 9223372036854775807")]
    [InlineData("nul", "files[0].path 'READ\\u0000ME.txt' is not a plain kit-relative path")]
    public void ManifestEntriesOutOfShapeAreOneLineNamingTheField(string damage, string expected)
    {
        string kit = fixture.PackKit(targets: ["linux-x64"]);
        string path = Path.Combine(kit, KitLayout.ManifestName);
        JsonNode manifest = JsonNode.Parse(File.ReadAllText(path))!;
        JsonArray files = manifest["files"]!.AsArray();
        JsonNode readme = files.First(file => (string)file!["path"]! == "README.txt")!;
        files.Remove(readme);
        files.Insert(0, readme);
        switch (damage)
        {
            case "duplicate":
                files.Add(readme.DeepClone());
                break;
            case "huge":
                readme["bytes"] = JsonNode.Parse("1e30");
                break;
            default:
                readme["path"] = "READ\0ME.txt";
                break;
        }

        File.WriteAllText(path, manifest.ToJsonString());
        EdgeLlmException refused = Assert.Throws<EdgeLlmException>(() => KitManifest.Read(kit));
        Assert.Equal($"{path}: {expected}", refused.Message);
        Assert.DoesNotContain('\0', refused.Message);
    }

    [Theory]
    [InlineData("bytes", "1e30", "'bytes' is 1e30, expected a whole number from 0 to 9223372036854775807")]
    [InlineData("bytes", "\"many\"", "'bytes' is \"many\", expected a whole number from 0 to 9223372036854775807")]
    [InlineData("precision", null, "missing 'precision'")]
    [InlineData("precision", "4", "'precision' is 4, expected a string")]
    public void ModelManifestFieldsOutOfShapeAreOneLineNamingTheField(string field, string? value, string expected)
    {
        string model = fixture.NewFolder("model");
        foreach (string file in Directory.GetFiles(fixture.Model))
        {
            File.Copy(file, Path.Combine(model, Path.GetFileName(file)));
        }

        string path = Path.Combine(model, ModelManifest.FileName);
        JsonObject manifest = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        JsonObject target = field == "bytes" ? manifest["files"]![0]!.AsObject() : manifest;
        if (value is null)
        {
            target.Remove(field);
        }
        else
        {
            target[field] = JsonNode.Parse(value);
        }

        File.WriteAllText(path, manifest.ToJsonString());
        EdgeLlmException refused = Assert.Throws<EdgeLlmException>(() => ModelManifestReader.Read(model));
        Assert.Equal($"{path}: {expected}", refused.Message);
    }
}

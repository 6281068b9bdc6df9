using EdgeLLM.Format.Files;
using EdgeLLM.Quantize.Synthetic;
using EdgeLLM.Quantize.Tests.Architectures;
using EdgeLLM.Quantize.Tests.Synthetic;
using EdgeLLM.Tests.Shared;

namespace EdgeLLM.Quantize.Tests.Files;

/// <summary>
/// --force never eats its input, replaces only edgellm's own output, and two writers to one output never
/// both succeed (issue 16, items 2, 3 and 11): each case once deleted data and exited 0.
/// </summary>
[Collection(nameof(ConsoleCollection))]
public sealed class OutputSafetyTests
{
    [Fact]
    public void QuantizeWithForceNeverReplacesItsCheckpointItsParentOrAnUnrelatedFolder()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string checkpoint = Path.Combine(temp.Path, "hf");
        Assert.Equal(0, CliRunner.Run("synth", "--shape", TinyModels.Qwen2, "--tokenizer", TestTokenizers.ForShape(TinyModels.Qwen2), "-o", checkpoint).ExitCode);
        File.WriteAllText(Path.Combine(temp.Path, "neighbour.txt"), "keep me");
        string link = Path.Combine(temp.Path, "link-to-hf");
        Directory.CreateSymbolicLink(link, checkpoint);
        string[] before = Snapshot(temp.Path);

        foreach ((string output, string expected) in new[]
        {
            (checkpoint, $"output '{checkpoint}' is the input '{checkpoint}'"),
            (temp.Path, $"output '{temp.Path}' contains the input '{checkpoint}'"),
            (Path.Combine(checkpoint, "sub"), $"output '{Path.Combine(checkpoint, "sub")}' is inside the input '{checkpoint}'"),
            (link, $"output '{link}' is the input '{checkpoint}'"),
        })
        {
            (int exitCode, _, string stderr) = CliRunner.Run("quantize", checkpoint, "-o", output, "--force", "--quiet");
            Assert.Equal(1, exitCode);
            Assert.StartsWith($"edgellm quantize: error: {expected}", stderr, StringComparison.Ordinal);
            Assert.Single(stderr.TrimEnd('\n').Split('\n'));
            Assert.Equal(before, Snapshot(temp.Path));
        }

        // An unrelated non-empty folder is not replaced, even with --force.
        string unrelated = Path.Combine(temp.Path, "documents");
        Directory.CreateDirectory(unrelated);
        File.WriteAllText(Path.Combine(unrelated, "thesis.txt"), "years of work");
        (int code, _, string error) = CliRunner.Run("quantize", checkpoint, "-o", unrelated, "--force", "--quiet");
        Assert.Equal(1, code);
        Assert.Equal($"edgellm quantize: error: output folder '{unrelated}' was not made by edgellm (no edgellm.json): forcing replaces only edgellm's own output; choose a new or empty folder\n", error);
        Assert.Equal("years of work", File.ReadAllText(Path.Combine(unrelated, "thesis.txt")));

        // A model folder edgellm made is replaced under --force.
        string model = Path.Combine(temp.Path, "model");
        Assert.Equal(0, CliRunner.Run("quantize", checkpoint, "-o", model, "--quiet").ExitCode);
        Assert.Equal(0, CliRunner.Run("quantize", checkpoint, "-o", model, "--force", "--quiet").ExitCode);
        Assert.True(File.Exists(Path.Combine(model, "edgellm.json")));
        Assert.DoesNotContain(Directory.GetFileSystemEntries(temp.Path), entry => Path.GetFileName(entry).StartsWith('.'));
    }

    [Fact]
    public void GgufExportAndSynthRefuseToOverwriteTheirInputs()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string checkpoint = Path.Combine(temp.Path, "hf");
        Assert.Equal(0, CliRunner.Run("synth", "--shape", TinyModels.Qwen2, "--tokenizer", TestTokenizers.ForShape(TinyModels.Qwen2), "-o", checkpoint).ExitCode);
        string weights = Directory.GetFiles(checkpoint, "*.safetensors")[0];
        byte[] original = File.ReadAllBytes(weights);
        (int exitCode, _, string stderr) = CliRunner.Run("gguf", "export", checkpoint, "-o", weights, "--force");
        Assert.Equal(1, exitCode);
        Assert.StartsWith($"edgellm gguf export: error: output '{weights}' is inside the input '{checkpoint}'", stderr, StringComparison.Ordinal);
        Assert.Equal(original, File.ReadAllBytes(weights));

        // A file that is not GGUF is not replaced under --force.
        string notes = Path.Combine(temp.Path, "notes.gguf");
        File.WriteAllText(notes, "not a model");
        (exitCode, _, stderr) = CliRunner.Run("gguf", "export", checkpoint, "-o", notes, "--force");
        Assert.Equal(1, exitCode);
        Assert.Contains("is not a GGUF file", stderr, StringComparison.Ordinal);
        Assert.Equal("not a model", File.ReadAllText(notes));

        // synth's output may not hold its tokenizer folder; its own output is replaced under --force.
        string tokenizerCopy = Path.Combine(temp.Path, "tok");
        Directory.CreateDirectory(tokenizerCopy);
        File.Copy(Path.Combine(TestTokenizers.ForShape(TinyModels.Qwen2), "tokenizer.json"), Path.Combine(tokenizerCopy, "tokenizer.json"));
        (exitCode, _, stderr) = CliRunner.Run("synth", "--shape", TinyModels.Qwen2, "--tokenizer", tokenizerCopy, "-o", temp.Path, "--force");
        Assert.Equal(1, exitCode);
        Assert.Contains("contains the input", stderr, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(checkpoint, CheckpointSynthesizer.MarkerFileName)));
        Assert.Equal(0, CliRunner.Run("synth", "--shape", TinyModels.Qwen2, "--tokenizer", tokenizerCopy, "-o", checkpoint, "--force").ExitCode);
    }

    [Fact]
    public void ASecondWriterIsRefusedAndAFolderThatAppearedDuringTheRunIsKept()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string output = Path.Combine(temp.Path, "out");
        using (var first = StagedFolder.Create(output, replace: true, [], "edgellm.json"))
        {
            IOException refused = Assert.Throws<IOException>(() => StagedFolder.Create(output, replace: true, [], "edgellm.json"));
            Assert.Equal($"output '{output}' is being written by another edgellm run (lock '{Path.Combine(temp.Path, ".out.lock")}' is held): wait for it or choose another output", refused.Message);

            // Another program fills the output while this run writes: without --force it is never replaced.
            File.WriteAllText(Path.Combine(first.Path, "edgellm.json"), "{}");
            Directory.CreateDirectory(output);
            File.WriteAllText(Path.Combine(output, "theirs.txt"), "x");
        }

        Assert.Equal("x", File.ReadAllText(Path.Combine(output, "theirs.txt")));
        using (var staged = StagedFolder.Create(Path.Combine(temp.Path, "second"), replace: false, [], "edgellm.json"))
        {
            File.WriteAllText(Path.Combine(staged.Path, "edgellm.json"), "{}");
            Directory.CreateDirectory(Path.Combine(temp.Path, "second"));
            File.WriteAllText(Path.Combine(temp.Path, "second", "theirs.txt"), "x");
            IOException appeared = Assert.Throws<IOException>(staged.Commit);
            Assert.Contains("appeared or changed during this run; nothing was replaced", appeared.Message, StringComparison.Ordinal);
        }

        Assert.Equal(["theirs.txt"], Directory.GetFileSystemEntries(Path.Combine(temp.Path, "second")).Select(entry => Path.GetFileName(entry)!).ToArray());
        Assert.DoesNotContain(Directory.GetFileSystemEntries(temp.Path), entry => Path.GetFileName(entry)!.Contains(".partial-", StringComparison.Ordinal) || entry.EndsWith(".lock", StringComparison.Ordinal));
    }

    [Fact]
    public void PartialFoldersOfKilledRunsAreRemovedByTheNextRun()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string output = Path.Combine(temp.Path, "model");
        string dead = Path.Combine(temp.Path, ".model.partial-0123456789abcdef0123456789abcdef");
        Directory.CreateDirectory(dead);
        File.WriteAllBytes(Path.Combine(dead, "model.onnx.data"), new byte[4096]);
        File.WriteAllText(Path.Combine(temp.Path, ".model.lock"), string.Empty); // left by a killed run, not held
        string unrelated = Path.Combine(temp.Path, ".other.partial-1");
        Directory.CreateDirectory(unrelated);
        using (var staged = StagedFolder.Create(output, replace: false, [], "edgellm.json"))
        {
            Assert.Equal([dead], staged.RemovedStale);
            staged.Commit();
        }

        Assert.False(Directory.Exists(dead));
        Assert.True(Directory.Exists(unrelated));
    }

    [Fact]
    public void AnExistingTargetFolderIsStagedInsideItselfAndItsEntriesRenamedWithinIt()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string mountPoint = Path.Combine(temp.Path, "stick");
        Directory.CreateDirectory(mountPoint);
        using (var staged = StagedFolder.Create(mountPoint, replace: false, [], "MANIFEST.json"))
        {
            Assert.Equal(mountPoint, Path.GetDirectoryName(staged.Path));
            File.WriteAllText(Path.Combine(staged.Path, "MANIFEST.json"), "{}");
            staged.Commit();
        }

        Assert.Equal(["MANIFEST.json"], Directory.GetFileSystemEntries(mountPoint).Select(entry => Path.GetFileName(entry)!).ToArray());
    }

    private static string[] Snapshot(string folder)
        => [.. Directory.EnumerateFileSystemEntries(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(path => $"{path} {(File.Exists(path) ? new FileInfo(path).Length : -1)}").Order(StringComparer.Ordinal)];
}

using System.Diagnostics;
using EdgeLLM.Runtime.Tests.Generation;

namespace EdgeLLM.Cli.Tests.Commands;

/// <summary>
/// Issue 16, items 8, 9, 12 and 13 (--prompt-file): a prompt longer than the context exited 0 with no tokens,
/// a closed stdin hung, --threads 1000 ran 25x slower without a word, a folder as --prompt-file said "Access denied".
/// </summary>
[Collection(ModelFoldersCollection.Name)]
public sealed class HostileRunInputTests(ModelFolders models)
{
    [Fact]
    public void APromptLongerThanTheContextIsRefusedBeforePrefill()
    {
        string prompt = string.Concat(Enumerable.Repeat("hello ", 300));
        (int exitCode, string output, string error) = CliRunner.Run(["generate", "-m", models.Tiny(ModelFolders.Qwen2), "-p", prompt, "--context", "64", "--threads", "1"]);
        Assert.Equal(1, exitCode);
        Assert.Equal(string.Empty, output);
        Assert.Matches(@"^edgellm generate: error: the prompt is \d+ tokens, and the context holds 64: shorten the prompt or raise the context length\n$", error);
    }

    [Fact]
    public void AFolderAsPromptFileIsOneLine()
    {
        (int exitCode, _, string error) = CliRunner.Run(["generate", "-m", models.Tiny(ModelFolders.Qwen2), "--prompt-file", Path.GetTempPath()]);
        Assert.Equal(1, exitCode);
        Assert.Equal($"edgellm generate: error: --prompt-file '{Path.GetTempPath()}' is a folder, expected a UTF-8 text file\n", error);
    }

    [Fact]
    public void ThreadsAboveTheLogicalCoresAreCappedWithANotice()
    {
        (int exitCode, _, string error) = CliRunner.Run(["generate", "-m", models.Tiny(ModelFolders.Qwen2), "-p", "hi", "--max-tokens", "2", "--threads", "1000"]);
        Assert.Equal(0, exitCode);
        Assert.Contains($"edgellm generate: --threads 1000 is more than this machine's {Environment.ProcessorCount} logical cores: using {Environment.ProcessorCount}\n", error, StringComparison.Ordinal);
        (int helpCode, string help, _) = CliRunner.Run(["generate", "--help"]);
        Assert.Equal(0, helpCode);
        Assert.Contains("0 or absent: the default", help.ReplaceLineEndings(" "), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AClosedStandardInputIsOneLineNotAHang()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        // A real process: the runtime reuses descriptor 0 for its own first open (the dotnet host: a pipe that never closes).
        string cli = Path.Combine(AppContext.BaseDirectory, "edgellm.dll");
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in (string[])["-c", "exec dotnet \"$0\" generate -m \"$1\" --max-tokens 2 <&-", cli, models.Tiny(ModelFolders.Qwen2)])
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        bool exited = process.WaitForExit(TimeSpan.FromSeconds(60));
        if (!exited)
        {
            process.Kill(entireProcessTree: true);
        }

        Assert.True(exited, "generate with a closed stdin still ran after 60 s");
        Assert.Equal(1, process.ExitCode);
        Assert.Equal("edgellm generate: error: no prompt: standard input is closed; give --prompt, --prompt-file or --messages, or pipe text into standard input\n", await error);
    }

    [Fact]
    public async Task AnOnnxRuntimeLoadErrorIsOneLineWithoutColourCodes()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        // Item 13: a model.onnx that ONNX Runtime cannot parse (same size, so the size check passes) was reported twice,
        // the second time by ONNX Runtime's own logger with ANSI colour codes, even to a file.
        using var temp = EdgeLLM.Tests.Shared.TestPaths.CreateTemp();
        string folder = Path.Combine(temp.Path, "damaged");
        Directory.CreateDirectory(folder);
        foreach (string file in Directory.EnumerateFiles(models.Tiny(ModelFolders.Qwen2)))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        using (FileStream graph = File.Open(Path.Combine(folder, "model.onnx"), FileMode.Open, FileAccess.Write))
        {
            graph.Write(Enumerable.Repeat((byte)0xFF, 64).ToArray());
        }

        string cli = Path.Combine(AppContext.BaseDirectory, "edgellm.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in (string[])[cli, "generate", "-m", folder, "-p", "hi", "--max-tokens", "1", "--engine", "onnx", "--threads", "1"])
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "generate on a damaged graph still ran after 60 s");
        string text = await error;
        Assert.Equal(1, process.ExitCode);
        Assert.Equal(string.Empty, await output);
        Assert.DoesNotContain('\u001b', text);
        Assert.Matches(@"^edgellm generate: error: [^\n]*model\.onnx[^\n]*\n$", text);
    }
}

using System.Text.Json;
using EdgeLLM.Runtime.Tests.Generation;

namespace EdgeLLM.Cli.Tests.Commands;

/// <summary><c>edgellm bench</c> on a tiny model: the JSON record, the table, cold loads and bad options.</summary>
[Collection(ModelFoldersCollection.Name)]
public sealed class BenchCommandTests(ModelFolders models)
{
    [Fact]
    public void JsonRecordHasEveryRepetitionAndItsSummary()
    {
        (int exitCode, string output, string error) = CliRunner.Run(
            ["bench", "-m", models.Tiny(ModelFolders.Qwen2), "--prompt-tokens", "16", "--gen-tokens", "8", "--threads", "1", "--repetitions", "3", "--no-bandwidth", "--json"]);

        Assert.True(exitCode == 0, error);
        using JsonDocument document = JsonDocument.Parse(output);
        JsonElement root = document.RootElement;
        Assert.Equal("fp32", root.GetProperty("model").GetProperty("precision").GetString());
        Assert.Equal(16 + 8 + 2, root.GetProperty("settings").GetProperty("context").GetInt32());
        Assert.Equal(1, root.GetProperty("settings").GetProperty("threads").GetInt32());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("machine").GetProperty("read_bandwidth_gb_s").ValueKind);
        Assert.True(root.GetProperty("machine").GetProperty("logical_cores").GetInt32() >= 1);
        JsonElement[] repetitions = [.. root.GetProperty("repetitions").EnumerateArray()];
        Assert.Equal(3, repetitions.Length);
        Assert.All(repetitions, repetition =>
        {
            Assert.True(repetition.GetProperty("prompt_tokens_per_s").GetDouble() > 0);
            Assert.True(repetition.GetProperty("decode_tokens_per_s").GetDouble() > 0);
            Assert.True(repetition.GetProperty("time_to_first_token_ms").GetDouble() > 0);
            Assert.True(repetition.GetProperty("load_ms").GetDouble() > 0);
            Assert.True(repetition.GetProperty("peak_rss_bytes").GetInt64() > 10L << 20);
        });
        double[] decode = [.. repetitions.Select(repetition => repetition.GetProperty("decode_tokens_per_s").GetDouble())];
        Assert.Equal(decode.Order().ElementAt(1), root.GetProperty("summary").GetProperty("decode_tokens_per_s").GetProperty("median").GetDouble(), 3);
    }

    [Fact]
    public void ModelNameIsLookedUpLikeGenerate()
    {
        // -m takes the name of a model found ($EDGELLM_MODELS here, as a kit's launcher sets it), as generate's does.
        string folder = models.Tiny(ModelFolders.Qwen2);
        string name = Path.GetFileName(folder);
        Assert.False(Directory.Exists(name), $"'{name}' must not be a folder of the working directory");
        string? previous = Environment.GetEnvironmentVariable("EDGELLM_MODELS");
        Environment.SetEnvironmentVariable("EDGELLM_MODELS", Path.GetDirectoryName(folder));
        try
        {
            (int exitCode, string output, string error) = CliRunner.Run(
                ["bench", "-m", name, "--prompt-tokens", "8", "--gen-tokens", "4", "--threads", "1", "--repetitions", "1", "--warmup", "0", "--no-bandwidth", "--json"]);

            Assert.True(exitCode == 0, error);
            using JsonDocument document = JsonDocument.Parse(output);
            JsonElement model = document.RootElement.GetProperty("model");
            Assert.Equal(name, model.GetProperty("name").GetString());
            Assert.Equal("fp32", model.GetProperty("precision").GetString());
        }
        finally
        {
            Environment.SetEnvironmentVariable("EDGELLM_MODELS", previous);
        }
    }

    [Fact]
    public void ColdRunsDropThePageCacheAndSayHow()
    {
        (int exitCode, string output, string error) = CliRunner.Run(
            ["bench", "-m", models.Tiny(ModelFolders.Llama31), "--prompt-tokens", "8", "--gen-tokens", "4", "--repetitions", "2", "--cold", "--no-bandwidth", "--json"]);

        Assert.True(exitCode == 0, error);
        using JsonDocument document = JsonDocument.Parse(output);
        JsonElement settings = document.RootElement.GetProperty("settings");
        Assert.True(settings.GetProperty("cold").GetBoolean());
        Assert.Equal("posix_fadvise(POSIX_FADV_DONTNEED)", settings.GetProperty("cold_method").GetString());
    }

    [Fact]
    public void TablePrintsMeanAndSdPerTestAndTheBandwidth()
    {
        (int exitCode, string output, string error) = CliRunner.Run(
            ["bench", "-m", models.Tiny(ModelFolders.Qwen3), "--prompt-tokens", "8", "--gen-tokens", "4", "--repetitions", "2", "--threads", "1"]);

        Assert.True(exitCode == 0, error);
        Assert.Matches(@"\| pp8 t/s +\| +1 \| +[0-9.]+ ± [0-9.]+ \|", output);
        Assert.Matches(@"\| tg4 t/s +\| +1 \| +[0-9.]+ ± [0-9.]+ \|", output);
        Assert.Matches(@"read bandwidth [0-9.]+ GB/s", output);
    }

    [Theory]
    [InlineData("--repetitions", "0", "repetitions must be 1 or more")]
    [InlineData("--context", "10", "context 10 is too small for 128 prompt and 64 generated tokens (needs 194)")]
    [InlineData("--context", "100000", "is larger than this model's 256")]
    public void BadOptionsGiveOneLine(string option, string value, string message)
    {
        (int exitCode, string output, string error) = CliRunner.Run(["bench", "-m", models.Tiny(ModelFolders.Qwen2), option, value, "--no-bandwidth"]);

        Assert.Equal(1, exitCode);
        Assert.Contains(message, error);
        Assert.Single(error.Trim().Split('\n'));
        Assert.DoesNotContain("|", output);
    }

    [Fact]
    public void MissingFolderIsOneLine()
    {
        (int exitCode, _, string error) = CliRunner.Run(["bench", "-m", "/nonexistent/model", "--no-bandwidth"]);

        Assert.Equal(1, exitCode);
        Assert.StartsWith("edgellm bench: error: model folder '/nonexistent/model' not found", error);
    }
}

using System.Text.Json;
using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Quantize.Tests.Architectures;
using EdgeLLM.Quantize.Tests.Evaluation;
using EdgeLLM.Quantize.Tests.Synthetic;
using EdgeLLM.Tests.Shared;

namespace EdgeLLM.Cli.Tests.Commands;

/// <summary><c>edgellm eval</c> in-process: the JSON object's fields, and one-line refusals.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class EvalCommandTests
{
    [Fact]
    public void JsonHasTheTokensPerplexityAndDivergenceFiguresAndNoProgressWhenRedirected()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string checkpoint = Synthesize(temp.Path, TinyModels.Qwen2);
        string fp32 = EvaluationTexts.Convert(checkpoint, Path.Combine(temp.Path, "fp32"), WeightPrecision.Fp32);
        string int4 = EvaluationTexts.Convert(checkpoint, Path.Combine(temp.Path, "int4"), WeightPrecision.Int4);
        string text = Path.Combine(temp.Path, "story.txt");
        File.WriteAllText(text, EvaluationTexts.Story);

        (int exitCode, string stdout, string stderr) = CliRunner.Run("eval", "-m", int4, "--reference", fp32, "--text-file", text, "--context", "32", "--chunks", "2", "--json");

        Assert.Equal(0, exitCode);
        Assert.Equal(string.Empty, stderr);
        using JsonDocument json = JsonDocument.Parse(stdout);
        JsonElement root = json.RootElement;
        Assert.Equal(2 * (32 - 1 - 16), root.GetProperty("tokens").GetInt32());
        Assert.Equal(2, root.GetProperty("chunks").GetInt32());
        Assert.True(root.GetProperty("perplexity").GetDouble() > 1);
        Assert.True(root.GetProperty("perplexity_error").GetDouble() > 0);
        double meanKl = root.GetProperty("mean_kl").GetDouble();
        Assert.InRange(meanKl, 1e-5, 1e-1);
        Assert.InRange(root.GetProperty("p99_kl").GetDouble(), meanKl, root.GetProperty("max_kl").GetDouble());
        Assert.InRange(root.GetProperty("top1_agreement").GetDouble(), 0.5, 1);
        Assert.True(root.GetProperty("rms_delta_p").GetDouble() >= 0);

        (int tableExit, string table, _) = CliRunner.Run("eval", "-m", int4, "--text-file", text, "--context", "32", "--chunks", "1");
        Assert.Equal(0, tableExit);
        Assert.StartsWith("tokens: ", table, StringComparison.Ordinal);
        Assert.Contains("PPL: ", table, StringComparison.Ordinal);
    }

    [Fact]
    public void ModelsWithDifferentTokenizersAreRefusedInOneLine()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string qwen = EvaluationTexts.Convert(Synthesize(temp.Path, TinyModels.Qwen2), Path.Combine(temp.Path, "qwen-fp32"), WeightPrecision.Fp32);
        string llama = EvaluationTexts.Convert(Synthesize(temp.Path, TinyModels.Llama31), Path.Combine(temp.Path, "llama-fp32"), WeightPrecision.Fp32);
        string text = Path.Combine(temp.Path, "story.txt");
        File.WriteAllText(text, EvaluationTexts.Story);

        (int exitCode, string stdout, string stderr) = CliRunner.Run("eval", "-m", qwen, "--reference", llama, "--text-file", text, "--context", "32");

        Assert.Equal(1, exitCode);
        Assert.Equal(string.Empty, stdout);
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("edgellm eval: error: ", line, StringComparison.Ordinal);
        Assert.Contains("different tokenizers (tokenizer.json differs)", line, StringComparison.Ordinal);
    }

    [Fact]
    public void TooShortATextAndMissingInputAreOneLineErrors()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string fp32 = EvaluationTexts.Convert(Synthesize(temp.Path, TinyModels.Qwen2), Path.Combine(temp.Path, "fp32"), WeightPrecision.Fp32);
        string text = Path.Combine(temp.Path, "short.txt");
        File.WriteAllText(text, "Hello there.");

        (int shortExit, _, string shortError) = CliRunner.Run("eval", "-m", fp32, "--text-file", text, "--context", "64");
        (int noInputExit, _, string noInputError) = CliRunner.Run("eval", "-m", fp32);

        Assert.Equal(1, shortExit);
        Assert.Contains("fewer than one chunk of the context 64", Assert.Single(shortError.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
        Assert.Equal(1, noInputExit);
        Assert.Contains("give one of --text-file and --prompt-file", Assert.Single(noInputError.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    private static string Synthesize(string root, string shape)
    {
        string folder = Path.Combine(root, shape);
        Assert.Equal(0, CliRunner.Run("synth", "--shape", shape, "--tokenizer", TestTokenizers.ForShape(shape), "-o", folder).ExitCode);
        return folder;
    }
}

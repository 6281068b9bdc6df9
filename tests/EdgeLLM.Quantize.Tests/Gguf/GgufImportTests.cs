using System.Text.Json;
using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Quantize.Conversion;
using EdgeLLM.Quantize.Gguf;
using EdgeLLM.Quantize.Tests.Architectures;
using EdgeLLM.Quantize.Tests.Synthetic;
using EdgeLLM.Tests.Shared;
using EdgeLLM.Text.Tokenization;
using Xunit.Abstractions;

namespace EdgeLLM.Quantize.Tests.Gguf;

/// <summary>
/// Our own GGUF exports of the three tiny models imported back: f16 gives the very bytes of the direct fp16
/// conversion; q8_0 and q4_0 (kept as MatMulNBits blocks) give llama.cpp's greedy ids on the same file;
/// the rebuilt tokenizer encodes every reference text like the original tokenizer.json.
/// </summary>
[Collection(nameof(LlamaCppCollection))]
public sealed class GgufImportTests(ExportedTinyModels models, ITestOutputHelper output)
{
    public static TheoryData<string> Models => new(TinyModels.All);

    /// <summary>The three and tiny-qwen3-yarn: its qwen3.rope.scaling.* keys must come back as the same YaRN tables.</summary>
    public static TheoryData<string> ModelsWithYarn => new(TinyModels.WithYarn);

    public static TheoryData<string, GgufExportType> BlockFiles
    {
        get
        {
            var data = new TheoryData<string, GgufExportType>();
            foreach (string model in TinyModels.All)
            {
                data.Add(model, GgufExportType.Q8_0);
                data.Add(model, GgufExportType.Q4_0);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(ModelsWithYarn))]
    public void F16ImportWritesTheBytesOfTheDirectFp16Conversion(string model)
    {
        using TempFolder temp = TestPaths.CreateTemp();
        var options = new ConversionOptions { Precision = WeightPrecision.Fp16, MaxContext = 256 };
        using (CheckpointFolder checkpoint = CheckpointFolder.Open(models.Checkpoint(model)))
        {
            ModelConverter.Convert(checkpoint, Path.Combine(temp.Path, "direct"), options);
        }

        string gguf = models.Path(model, GgufExportType.F16);
        using (GgufCheckpoint checkpoint = GgufCheckpoint.Open(gguf))
        {
            GgufImporter.Import(checkpoint, Path.Combine(temp.Path, "imported"), options);
        }

        foreach (string file in new[] { ModelConverter.ModelFileName, ModelConverter.DataFileName })
        {
            Assert.True(File.ReadAllBytes(Path.Combine(temp.Path, "direct", file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(temp.Path, "imported", file))), $"{model}: imported {file} differs from the direct conversion");
        }

        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(temp.Path, "imported", ModelManifest.FileName)));
        JsonElement source = manifest.RootElement.GetProperty("source");
        Assert.Equal(Path.GetFullPath(gguf), source.GetProperty("path").GetString());
        Assert.Equal(EdgeLLM.Format.Files.FileChecksum.Of(gguf), source.GetProperty("files")[0].GetProperty("xxh3_128").GetString());
        Assert.True(source.GetProperty("tensor_types").GetProperty("F16").GetInt32() > 0);
    }

    [Theory]
    [MemberData(nameof(BlockFiles))]
    public void BlockImportGivesLlamaCppGreedyIdsOnTheSameFile(string model, GgufExportType type)
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string gguf = models.Path(model, type);
        ModelConfig config;
        using (GgufCheckpoint checkpoint = GgufCheckpoint.Open(gguf))
        {
            config = checkpoint.Config;
            GgufImporter.Import(checkpoint, temp.Path, new ConversionOptions { MaxContext = 256, LastPositionLogitsOnly = true });
        }

        GreedyComparison comparison = CompareGreedy(gguf, temp.Path, config, ReferenceFigures.Load(model).Select(reference => reference.PromptIds).ToList(), 8);
        output.WriteLine($"{model} {type.Name()}: {comparison}");
        comparison.AssertAgreement();
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void ImportedTokenizerEncodesEveryReferenceTextLikeTheOriginal(string model)
    {
        using TempFolder temp = TestPaths.CreateTemp();
        using (GgufCheckpoint checkpoint = GgufCheckpoint.Open(models.Path(model, GgufExportType.Q4_0)))
        {
            GgufImporter.Import(checkpoint, temp.Path, new ConversionOptions { MaxContext = 64 });
        }

        TextTokenizer original = TokenizerLoader.Load(TestTokenizers.ForShape(model));
        TextTokenizer imported = TokenizerLoader.Load(temp.Path);
        string name = ReferenceName(model);
        using JsonDocument reference = JsonDocument.Parse(File.ReadAllBytes(TestPaths.Fixture("tokenizer-reference.json")));
        JsonElement entries = reference.RootElement.GetProperty(name);
        int texts = 0;
        foreach (JsonElement entry in entries.GetProperty("texts").EnumerateArray())
        {
            string text = entry.GetProperty("text").GetString()!;
            foreach (bool special in new[] { false, true })
            {
                Assert.Equal(original.Encode(text, special).Ids, imported.Encode(text, special).Ids);
            }

            int[] ids = [.. entry.GetProperty("ids").EnumerateArray().Select(id => id.GetInt32())];
            Assert.Equal(ids, imported.Encode(text, false).Ids);
            Assert.Equal(original.Decode(ids), imported.Decode(ids));
            texts++;
        }

        foreach (JsonElement chat in entries.GetProperty("chats").EnumerateArray())
        {
            string rendered = chat.GetProperty("rendered").GetString()!;
            Assert.Equal(original.Encode(rendered, false).Ids, imported.Encode(rendered, false).Ids);
            texts++;
        }

        TokenizerConfig originalConfig = TokenizerConfig.Read(Path.Combine(TestTokenizers.ForShape(model), "tokenizer_config.json"));
        TokenizerConfig importedConfig = TokenizerConfig.Read(Path.Combine(temp.Path, "tokenizer_config.json"));
        Assert.NotNull(originalConfig.ChatTemplate);
        Assert.Equal(originalConfig.ChatTemplate, importedConfig.ChatTemplate);
        output.WriteLine($"{model}: {texts} reference texts and chats encode alike");
    }

    /// <summary>
    /// Greedy decoding from each prompt by llama.cpp on <paramref name="gguf"/> and by ONNX Runtime on the imported
    /// folder, each following its own argmax until they part.
    /// </summary>
    internal static GreedyComparison CompareGreedy(string gguf, string folder, ModelConfig config, IReadOnlyList<long[]> prompts, int stepCount)
    {
        var comparison = new GreedyComparison();
        foreach (long[] prompt in prompts)
        {
            using LlamaCppModel llama = LlamaCpp.Load(gguf);
            using var runner = new DecoderRunner(folder, config);
            float[] theirs = llama.Decode(prompt.Select(id => (int)id).ToArray(), 0)[^1];
            float[] ours = runner.Feed(prompt)[^1];
            for (int step = 0; step < stepCount; step++)
            {
                int theirId = LogitChecks.ArgMax(theirs);
                int ourId = LogitChecks.ArgMax(ours);
                comparison.Add(theirs, ours);
                if (theirId != ourId)
                {
                    break;
                }

                theirs = llama.Decode([theirId], prompt.Length + step)[0];
                ours = runner.Feed(ourId)[^1];
            }
        }

        return comparison;
    }

    /// <summary>KL(p ‖ q) of the softmaxes of two logit rows.</summary>
    internal static double KlDivergence(float[] p, float[] q)
    {
        double pMax = p.Max(), qMax = q.Max();
        double pSum = p.Sum(value => Math.Exp(value - pMax)), qSum = q.Sum(value => Math.Exp(value - qMax));
        double kl = 0;
        for (int i = 0; i < p.Length; i++)
        {
            double logP = p[i] - pMax - Math.Log(pSum);
            double logQ = q[i] - qMax - Math.Log(qSum);
            kl += Math.Exp(logP) * (logP - logQ);
        }

        return Math.Max(0, kl);
    }

    private static string ReferenceName(string model) => model switch
    {
        "tiny-r1-qwen2" => "r1-distill-qwen",
        "tiny-llama31" => "llama31",
        "tiny-qwen3" => "qwen3",
        _ => throw new ArgumentOutOfRangeException(nameof(model), model, null),
    };
}

/// <summary>
/// Steps of two engines' greedy decoding: how many picked the same id, the mean KL of their next-token
/// distributions, and for each disagreement llama.cpp's logit gap between the two picks against the largest
/// |Δ logit| of that step (a disagreement is a near tie only when the gap is within twice that).
/// </summary>
internal sealed class GreedyComparison
{
    private readonly List<(double Gap, double MaxDelta)> disagreements = [];
    private double klSum;

    public int Steps { get; private set; }

    public int Agreeing { get; private set; }

    public double MeanKl => Steps == 0 ? 0 : klSum / Steps;

    public void Add(float[] theirs, float[] ours)
    {
        Steps++;
        klSum += GgufImportTests.KlDivergence(theirs, ours);
        int theirId = LogitChecks.ArgMax(theirs), ourId = LogitChecks.ArgMax(ours);
        if (theirId == ourId)
        {
            Agreeing++;
            return;
        }

        double maxDelta = theirs.Zip(ours, (a, b) => Math.Abs(a - b)).Max();
        disagreements.Add((theirs[theirId] - theirs[ourId], maxDelta));
    }

    /// <summary>Every disagreement is a near tie (gap ≤ 2 · max |Δ logit|) and the distributions stay close (mean KL &lt; 1e-3).</summary>
    public void AssertAgreement()
    {
        Assert.True(Steps > 0);
        Assert.All(disagreements, disagreement => Assert.True(disagreement.Gap <= 2 * disagreement.MaxDelta, $"llama.cpp's top-1 leads ours by {disagreement.Gap:E2}, more than twice the largest logit difference {disagreement.MaxDelta:E2}"));
        Assert.True(MeanKl < 1e-3, $"mean KL {MeanKl:E2} ≥ 1e-3");
    }

    public override string ToString()
        => FormattableString.Invariant($"greedy ids equal llama.cpp's on {Agreeing}/{Steps} steps; mean KL(llama.cpp ‖ EdgeLLM) = {MeanKl:E2}; disagreements (gap vs max |Δ logit|): {string.Join(", ", disagreements.Select(d => FormattableString.Invariant($"{d.Gap:E1} vs {d.MaxDelta:E1}")))}");
}

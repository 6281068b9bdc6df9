using System.Globalization;
using System.Text.Json;
using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Quantize.Conversion;
using EdgeLLM.Quantize.Quantizers;
using EdgeLLM.Quantize.Tests.Architectures;
using EdgeLLM.Tests.Shared;
using Xunit.Abstractions;

namespace EdgeLLM.Quantize.Tests.Quantizers;

/// <summary>
/// Quantization on a trained model: stories260k converted to fp32, int8 (block 32, accuracy_level 4)
/// and int4 (round-to-nearest and searched scales, blocks 32 and 128), the 85 ids of the reference story
/// (prompt + llama2.c's greedy continuation) teacher-forced in one pass with logits at every position,
/// each quantized graph measured against our fp32 graph: top-1 agreement and mean KL(fp32 ‖ quantized)
/// over the full 512-id softmax. Skips where ../shared/fixtures is absent.
/// </summary>
public sealed class Stories260kQuantizationTests(ITestOutputHelper output)
{
    private const string Int8 = "int8 block 32, accuracy 4";
    private const string Int4RoundToNearest = "int4 rtn block 32";
    private const string Int4Search = "int4 search block 32 (default)";

    private static readonly QuantizationSettings Defaults = new();

    [Fact]
    public void QuantizedGraphsStayCloseToFp32AlongTheReferenceStory()
    {
        if (TestPaths.Stories260k is not { } folder)
        {
            output.WriteLine(TestPaths.Stories260kSkipped);
            return;
        }

        using JsonDocument reference = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "reference.json")));
        long[] story = [.. Ids(reference.RootElement, "prompt_ids"), .. Ids(reference.RootElement, "generated_ids")];
        Assert.Equal(85, story.Length);
        var config = ModelConfig.Load(folder);
        using TempFolder temp = TestPaths.CreateTemp();
        float[][] fp32 = Logits(folder, config, Path.Combine(temp.Path, "fp32"), new ConversionOptions { SourceFolder = folder }, story);

        (string Name, WeightPrecision Precision, QuantizationSettings Settings)[] variants =
        [
            (Int8, WeightPrecision.Int8, Defaults with { Bits = 8, BlockSize = 32, AccuracyLevel = 4 }),
            (Int4RoundToNearest, WeightPrecision.Int4, Defaults with { ScaleChoice = ScaleChoice.RoundToNearest }),
            (Int4Search, WeightPrecision.Int4, Defaults),
            ("int4 rtn block 128", WeightPrecision.Int4, Defaults with { ScaleChoice = ScaleChoice.RoundToNearest, BlockSize = 128 }),
            ("int4 search block 128", WeightPrecision.Int4, Defaults with { BlockSize = 128 }),
        ];
        var results = new Dictionary<string, (double TopOne, double Divergence)>(StringComparer.Ordinal);
        output.WriteLine($"stories260k, {story.Length} teacher-forced positions, against our fp32 graph (lm_head int8 in the int4 rows):");
        output.WriteLine("| weights | top-1 agreement | mean KL (full softmax) |");
        output.WriteLine("|---|---|---|");
        foreach ((string name, WeightPrecision precision, QuantizationSettings settings) in variants)
        {
            string modelFolder = Path.Combine(temp.Path, name.Replace(' ', '-').Replace(",", string.Empty, StringComparison.Ordinal));
            float[][] quantized = Logits(folder, config, modelFolder, new ConversionOptions { Precision = precision, Quantization = settings, SourceFolder = folder }, story);
            (double topOne, double divergence) = Compare(fp32, quantized);
            results[name] = (topOne, divergence);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {topOne:P1} | {divergence:E2} |"));
        }

        Assert.True(results[Int8].TopOne >= 0.95, $"int8 top-1 {results[Int8].TopOne:P1} < 95%");
        Assert.True(results[Int8].Divergence < 1e-3, $"int8 mean KL {results[Int8].Divergence:E2} ≥ 1e-3");
        foreach (string int4 in results.Keys.Where(name => name.StartsWith("int4", StringComparison.Ordinal)))
        {
            Assert.True(results[int4].TopOne >= 0.75, $"{int4} top-1 {results[int4].TopOne:P1} < 75%");
            Assert.True(results[int4].Divergence < 0.2, $"{int4} mean KL {results[int4].Divergence:E2} ≥ 0.2");
        }

        double searched = results[Int4Search].Divergence;
        double roundToNearest = results[Int4RoundToNearest].Divergence;
        Assert.True(searched <= roundToNearest * 1.05, $"int4 search block 32 KL {searched:E2} > 1.05 × rtn KL {roundToNearest:E2}");
    }

    private static long[] Ids(JsonElement root, string property) => root.GetProperty(property).EnumerateArray().Select(id => id.GetInt64()).ToArray();

    private static float[][] Logits(string source, ModelConfig config, string modelFolder, ConversionOptions options, long[] story)
    {
        using (var checkpoint = CheckpointFolder.Open(source))
        {
            ModelConverter.Convert(checkpoint, modelFolder, options);
        }

        using var runner = new DecoderRunner(modelFolder, config);
        float[][] logits = runner.Feed(story);
        Assert.Equal(story.Length, logits.Length);
        return logits;
    }

    /// <summary>Top-1 agreement and mean KL(reference ‖ candidate) over the full softmax of every position.</summary>
    private static (double TopOne, double Divergence) Compare(float[][] reference, float[][] candidate)
    {
        int agreements = 0;
        double divergenceSum = 0;
        for (int position = 0; position < reference.Length; position++)
        {
            agreements += LogitChecks.ArgMax(reference[position]) == LogitChecks.ArgMax(candidate[position]) ? 1 : 0;
            double referenceLogSumExp = LogitChecks.LogSumExp(reference[position]);
            double candidateLogSumExp = LogitChecks.LogSumExp(candidate[position]);
            for (int id = 0; id < reference[position].Length; id++)
            {
                double referenceLog = reference[position][id] - referenceLogSumExp;
                double candidateLog = candidate[position][id] - candidateLogSumExp;
                divergenceSum += Math.Exp(referenceLog) * (referenceLog - candidateLog);
            }
        }

        return ((double)agreements / reference.Length, divergenceSum / reference.Length);
    }
}

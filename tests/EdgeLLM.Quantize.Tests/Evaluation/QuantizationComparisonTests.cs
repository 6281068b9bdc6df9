using System.Globalization;
using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Quantize.Conversion;
using EdgeLLM.Quantize.Gguf;
using EdgeLLM.Quantize.Quantizers;
using EdgeLLM.Quantize.Tests.Architectures;
using EdgeLLM.Quantize.Tests.Gguf;
using EdgeLLM.Runtime.Chat;
using EdgeLLM.Runtime.Evaluation;
using EdgeLLM.Tests.Shared;
using LLama.Native;
using Xunit.Abstractions;

namespace EdgeLLM.Quantize.Tests.Evaluation;

/// <summary>
/// The int4 levers against llama.cpp on the same tokens, each model against its own full precision: llama.cpp
/// Q4_0 (as `edgellm gguf export --type q4_0` writes it, output Q8_0) and Q4_K_M (llama.cpp's own quantizer from
/// our f16 GGUF) against that f16 GGUF, EdgeLLM's int4 variants against EdgeLLM fp32, all through
/// <see cref="ModelEvaluator"/> (llama.cpp's logits through <see cref="LlamaCppLogitSource"/>).
/// </summary>
[Collection(nameof(LlamaCppCollection))]
public sealed class QuantizationComparisonTests(ExportedTinyModels models, ITestOutputHelper output)
{
    private const int Context = 64;

    public static TheoryData<string> Models => new(TinyModels.All);

    [Theory]
    [MemberData(nameof(Models))]
    public void DefaultInt4DivergesLessThanLlamaCppQ4_0AndQ4_K_MLessThanQ4_0(string model)
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string checkpoint = models.Checkpoint(model);
        var config = ModelConfig.Load(checkpoint);
        string fp32 = EvaluationTexts.Convert(checkpoint, Path.Combine(temp.Path, "fp32"), WeightPrecision.Fp32);
        IReadOnlyList<int> tokens = PromptBuilder.Load(fp32).EncodePlain(EvaluationTexts.Story);
        PromptBuilder prompts = PromptBuilder.Load(fp32);
        int? bos = prompts.Tokenizer.BeginningOfSequenceId is int id && prompts.Tokenizer.SpecialPrefixIds.Contains(id) ? id : null;
        var options = new EvaluationOptions { Context = Context, BeginningOfSequenceId = bos };
        long parameters = BitsPerWeight.ParameterCount(config);

        string f16 = models.Path(model, GgufExportType.F16);
        string q4Zero = models.Path(model, GgufExportType.Q4_0);
        string q4KM = Path.Combine(temp.Path, "q4_k_m.gguf");
        LlamaCpp.Quantize(f16, q4KM, LLamaFtype.MOSTLY_Q4_K_M, outputTensorType: null);
        var rows = new List<(string Name, ReferenceComparison Comparison, string Bits)>();
        using (var reference = new LlamaCppLogitSource(f16, Context, config.VocabSize))
        {
            foreach ((string name, string path) in new[] { ("llama.cpp Q4_0 (output Q8_0)", q4Zero), ("llama.cpp Q4_K_M", q4KM) })
            {
                using var quantized = new LlamaCppLogitSource(path, Context, config.VocabSize);
                EvaluationResult result = ModelEvaluator.Evaluate(quantized, reference, tokens, options);
                rows.Add((name, result.Reference!, Invariant($"file {8.0 * new FileInfo(path).Length / parameters:F2}")));
            }
        }

        QuantizationSettings defaults = new();
        foreach ((string name, QuantizationSettings settings) in Variants(defaults))
        {
            string folder = Path.Combine(temp.Path, name.Replace(' ', '-').Replace(",", string.Empty, StringComparison.Ordinal));
            using (CheckpointFolder source = CheckpointFolder.Open(checkpoint))
            {
                ConversionResult conversion = ModelConverter.Convert(source, folder, new ConversionOptions { Precision = WeightPrecision.Int4, Quantization = settings, SourceFolder = checkpoint });
                BitsPerWeight bits = BitsPerWeight.Of(conversion.QuantizedTensors, 4, conversion.WeightBytes, config);
                EvaluationResult result = FolderEvaluation.Run(new EvaluationRequest { ModelFolder = folder, ReferenceFolder = fp32, Text = EvaluationTexts.Story, Context = Context });
                rows.Add((name, result.Reference!, Invariant($"linear {bits.Linear:F3}, file {bits.Folder:F2}")));
            }
        }

        output.WriteLine($"{model}: {rows.Count} quantizations, each against its own full precision, the same {tokens.Count} tokens, {Context}-token chunks:");
        output.WriteLine("| weights | mean KL | p99 KL | top-1 | RMS Δp | bits per weight |");
        output.WriteLine("|---|---|---|---|---|---|");
        foreach ((string name, ReferenceComparison comparison, string bits) in rows)
        {
            output.WriteLine(Invariant($"| {name} | {comparison.MeanKl.Value:E2} ± {comparison.MeanKl.Error:E1} | {comparison.P99Kl:E2} | {comparison.TopOneAgreement.Value:P1} | {comparison.RmsDeltaP.Value:P3} | {bits} |"));
        }

        double q40 = rows[0].Comparison.MeanKl.Value;
        double q4km = rows[1].Comparison.MeanKl.Value;
        double ours = rows.Single(row => row.Name == DefaultName).Comparison.MeanKl.Value;
        Assert.True(q4km < q40, $"{model}: Q4_K_M KL {q4km:E2} ≥ Q4_0's {q40:E2}");
        Assert.True(ours < q40, $"{model}: default int4 KL {ours:E2} ≥ llama.cpp Q4_0's {q40:E2}");
    }

    private const string DefaultName = "EdgeLLM int4 default";

    private static IEnumerable<(string Name, QuantizationSettings Settings)> Variants(QuantizationSettings defaults)
    {
        yield return (DefaultName, defaults);
        // The other levers of docs/quality.md's tables (block 64, mixed without zero points) cost minutes here: measured once, not on every run.
        yield return ("asymmetric, block 32", defaults with { Asymmetric = true });
        yield return ("mixed recipe, asymmetric", defaults with { Recipe = QuantizationRecipe.Mixed, Asymmetric = true });
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

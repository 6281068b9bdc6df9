using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Quantize.Gguf;
using EdgeLLM.Quantize.Tests.Architectures;
using EdgeLLM.Quantize.Tests.Gguf;
using EdgeLLM.Runtime.Chat;
using EdgeLLM.Runtime.Engines;
using EdgeLLM.Runtime.Evaluation;
using EdgeLLM.Runtime.Model;
using EdgeLLM.Tests.Shared;
using Xunit.Abstractions;

namespace EdgeLLM.Quantize.Tests.Evaluation;

/// <summary>
/// <see cref="ModelEvaluator"/> on the three tiny models against figures computed here, independently: the
/// reference's logsumexp and top-1 logit along its greedy continuation (perplexity), both graphs' full logits
/// run in one pass by plain ONNX Runtime (KL, top-1, Δp), and llama.cpp's logits of an f16 GGUF of the same
/// weights (perplexity within 1%).
/// </summary>
[Collection(nameof(LlamaCppCollection))]
public sealed class EvaluationTests(ExportedTinyModels models, ITestOutputHelper output)
{
    private const int Context = 64;
    private const int Chunks = 3;

    public static TheoryData<string> Models => new(TinyModels.All);

    /// <summary>Every tiny model on both engines: eval gives the same numbers whichever engine computes the logits.</summary>
    public static TheoryData<string, EngineChoice> ModelsOnBothEngines
    {
        get
        {
            var data = new TheoryData<string, EngineChoice>();
            foreach (string model in TinyModels.All)
            {
                data.Add(model, EngineChoice.Onnx);
                data.Add(model, EngineChoice.Cpu);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(ModelsOnBothEngines))]
    public void Fp32PerplexityAlongTheReferenceGreedyTokensIsTheReferencePerplexity(string model, EngineChoice engine)
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string fp32 = EvaluationTexts.Convert(models.Checkpoint(model), Path.Combine(temp.Path, "fp32"), WeightPrecision.Fp32);
        ReferenceCase reference = ReferenceFigures.Load(model)[0];
        int[] tokens = [.. reference.PromptIds.Select(id => (int)id), .. reference.GreedyIds.Select(id => (int)id)];
        int prompt = reference.PromptIds.Length;
        int context = 2 * prompt;
        Assert.True(context <= tokens.Length);

        // Scored: logits at positions context/2 .. context−2 = greedy steps 1 .. context−1−prompt, each predicting that step's greedy id (the reference's top-1).
        double nll = 0;
        int scored = 0;
        for (int position = context / 2; position <= context - 2; position++)
        {
            ReferencePosition step = reference.Steps[position - (prompt - 1)];
            Assert.Equal(tokens[position + 1], step.TopIds[0]);
            nll += step.LogSumExp - step.TopLogits[0];
            scored++;
        }

        double expected = Math.Exp(nll / scored);
        using LoadedModel loaded = LoadedModel.Open(fp32, new SessionSettings { ContextLength = context, Engine = engine });
        Assert.Equal(engine == EngineChoice.Cpu ? "cpu" : "onnx", loaded.Engine.Name);
        using var source = new EngineLogitSource(loaded.Engine);
        EvaluationResult result = ModelEvaluator.Evaluate(source, null, tokens, new EvaluationOptions { Context = context });

        output.WriteLine($"{model} ({loaded.Engine.Name}): PPL {result.Perplexity.Value:F4} ± {result.Perplexity.Error:F4}, reference {expected:F4} ({scored} tokens)");
        Assert.Equal(1, result.Chunks);
        Assert.Equal(scored, result.ScoredTokens);
        Assert.Null(result.Reference);
        Assert.InRange(result.Perplexity.Value / expected, 1 - 1e-3, 1 + 1e-3);
        Assert.True(result.Perplexity.Error > 0);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Int4AgainstFp32MatchesTheDivergenceOfBothGraphsFullLogits(string model)
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string checkpoint = models.Checkpoint(model);
        string fp32 = EvaluationTexts.Convert(checkpoint, Path.Combine(temp.Path, "fp32"), WeightPrecision.Fp32, allPositions: true);
        string int4 = EvaluationTexts.Convert(checkpoint, Path.Combine(temp.Path, "int4"), WeightPrecision.Int4, allPositions: true);
        EvaluationResult result = FolderEvaluation.Run(new EvaluationRequest { ModelFolder = int4, ReferenceFolder = fp32, Text = EvaluationTexts.Story, Context = Context, MaxChunks = Chunks });

        // Independently: the same chunks (BOS first where the tokenizer adds one), each run in one pass with every position's logits.
        var config = ModelConfig.Load(checkpoint);
        List<(float[] Reference, float[] Quantized, int Next)> rows = [.. ScoredRows(fp32, int4, config)];
        double[] divergences = [.. rows.Select(row => Divergence(row.Reference, row.Quantized))];
        double agreement = rows.Count(row => LogitChecks.ArgMax(row.Reference) == LogitChecks.ArgMax(row.Quantized)) / (double)rows.Count;
        double rmsDeltaP = Math.Sqrt(rows.Average(row => Math.Pow(Probability(row.Quantized, row.Next) - Probability(row.Reference, row.Next), 2)));
        double perplexity = Math.Exp(rows.Average(row => LogitChecks.LogSumExp(row.Quantized) - row.Quantized[row.Next]));
        ReferenceComparison comparison = result.Reference!;

        output.WriteLine($"{model}: PPL {result.Perplexity.Value:F2}, mean KL {comparison.MeanKl.Value:E3} ± {comparison.MeanKl.Error:E1} (independent {divergences.Average():E3}), p99 {comparison.P99Kl:E3}, top-1 {comparison.TopOneAgreement.Value:P2} ({agreement:P2}), RMS Δp {comparison.RmsDeltaP.Value:E3} ({rmsDeltaP:E3})");
        Assert.Equal(rows.Count, result.ScoredTokens);
        Assert.Equal(Chunks * (Context - 1 - (Context / 2)), result.ScoredTokens);
        Assert.InRange(comparison.MeanKl.Value / divergences.Average(), 0.95, 1.05);
        Assert.InRange(comparison.P99Kl, divergences.Min(), divergences.Max());
        Assert.InRange(comparison.TopOneAgreement.Value, agreement - 0.03, agreement + 0.03);
        Assert.InRange(comparison.RmsDeltaP.Value, rmsDeltaP * 0.9 - 1e-9, rmsDeltaP * 1.1 + 1e-9);
        Assert.InRange(result.Perplexity.Value / perplexity, 0.99, 1.01);
        Assert.True(comparison.MeanKl.Value > 0 && comparison.MeanKl.Error > 0);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void AModelAgainstItselfHasNoDivergenceAndTheSameTopOneEverywhere(string model)
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string fp32 = EvaluationTexts.Convert(models.Checkpoint(model), Path.Combine(temp.Path, "fp32"), WeightPrecision.Fp32);
        EvaluationResult result = FolderEvaluation.Run(new EvaluationRequest { ModelFolder = fp32, ReferenceFolder = fp32, Text = EvaluationTexts.Story, Context = Context, MaxChunks = 2 });

        ReferenceComparison comparison = result.Reference!;
        Assert.Equal(0, comparison.MeanKl.Value);
        Assert.Equal(0, comparison.MaxKl);
        Assert.Equal(0, comparison.P99Kl);
        Assert.Equal(1, comparison.TopOneAgreement.Value);
        Assert.Equal(0, comparison.RmsDeltaP.Value);
        Assert.Equal(result.Perplexity.Value, comparison.ReferencePerplexity.Value);
        Assert.Equal(0, comparison.LogPerplexityRatio.Value);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void PerplexityAgreesWithLlamaCppOnAnF16GgufOfTheSameWeights(string model)
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string checkpoint = models.Checkpoint(model);
        string fp32 = EvaluationTexts.Convert(checkpoint, Path.Combine(temp.Path, "fp32"), WeightPrecision.Fp32);
        EvaluationResult ours = FolderEvaluation.Run(new EvaluationRequest { ModelFolder = fp32, Text = EvaluationTexts.Story, Context = Context, MaxChunks = Chunks });

        double nll = 0;
        int scored = 0;
        foreach (int[] chunk in Chunked(fp32))
        {
            using LlamaCppModel llama = LlamaCpp.Load(models.Path(model, GgufExportType.F16), Context);
            float[][] logits = llama.Decode(chunk, 0);
            for (int position = Context / 2; position <= Context - 2; position++)
            {
                nll += LogitChecks.LogSumExp(logits[position]) - logits[position][chunk[position + 1]];
                scored++;
            }
        }

        double llamaPerplexity = Math.Exp(nll / scored);
        output.WriteLine($"{model}: eval PPL {ours.Perplexity.Value:F3} ± {ours.Perplexity.Error:F3}, llama.cpp f16 GGUF {llamaPerplexity:F3} ({scored} tokens, {ours.Chunks} chunks of {Context})");
        Assert.Equal(scored, ours.ScoredTokens);
        Assert.InRange(ours.Perplexity.Value / llamaPerplexity, 0.99, 1.01);
    }

    /// <summary>The chunks eval scores: the text's tokens with the tokenizer's BOS, <see cref="Context"/> each, the first token of each replaced by BOS where one is added.</summary>
    private static IEnumerable<int[]> Chunked(string folder)
    {
        PromptBuilder prompts = PromptBuilder.Load(folder);
        IReadOnlyList<int> tokens = prompts.EncodePlain(EvaluationTexts.Story);
        int? bos = prompts.Tokenizer.BeginningOfSequenceId is int id && prompts.Tokenizer.SpecialPrefixIds.Contains(id) ? id : null;
        Assert.True(tokens.Count >= Chunks * Context, $"the story has {tokens.Count} tokens");
        for (int index = 0; index < Chunks; index++)
        {
            int[] chunk = [.. tokens.Skip(index * Context).Take(Context)];
            chunk[0] = bos ?? chunk[0];
            yield return chunk;
        }
    }

    private static IEnumerable<(float[] Reference, float[] Quantized, int Next)> ScoredRows(string fp32, string int4, ModelConfig config)
    {
        foreach (int[] chunk in Chunked(fp32))
        {
            long[] ids = [.. chunk.Select(id => (long)id)];
            using var reference = new DecoderRunner(fp32, config);
            using var quantized = new DecoderRunner(int4, config);
            float[][] referenceRows = reference.Feed(ids);
            float[][] quantizedRows = quantized.Feed(ids);
            for (int position = Context / 2; position <= Context - 2; position++)
            {
                yield return (referenceRows[position], quantizedRows[position], chunk[position + 1]);
            }
        }
    }

    private static double Divergence(float[] reference, float[] quantized)
    {
        double referenceLse = LogitChecks.LogSumExp(reference);
        double quantizedLse = LogitChecks.LogSumExp(quantized);
        double sum = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            double logP = reference[i] - referenceLse;
            sum += Math.Exp(logP) * (logP - (quantized[i] - quantizedLse));
        }

        return sum;
    }

    private static double Probability(float[] logits, int id) => Math.Exp(logits[id] - LogitChecks.LogSumExp(logits));
}

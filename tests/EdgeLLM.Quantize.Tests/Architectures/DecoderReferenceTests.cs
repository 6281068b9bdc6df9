using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Quantize.Architectures;
using EdgeLLM.Quantize.Checkpoints;
using Xunit.Abstractions;

namespace EdgeLLM.Quantize.Tests.Architectures;

/// <summary>
/// The converted graphs, run with plain ONNX Runtime, against the independent fp32 reference figures:
/// every prefill position, then 24 greedy steps through the KV cache.
/// </summary>
[Collection(ConvertedModelsCollection.Name)]
public sealed class DecoderReferenceTests(ConvertedModels models, ITestOutputHelper output)
{
    private const double Fp32Tolerance = 2e-4;
    private const double Fp16Tolerance = 5e-2;
    private const double Fp16SafeMargin = 0.1;

    public static TheoryData<string> Models => new(TinyModels.WithYarn);

    [Theory]
    [MemberData(nameof(Models))]
    public void Fp32GraphReproducesReferenceLogitsAndGreedyIds(string model)
    {
        double maxError = CheckGreedyAgainstReference(model, models.Get(model, WeightPrecision.Fp32));
        output.WriteLine($"{model} fp32: max |Δ logit| {maxError:g3}");
    }

    [Theory]
    [InlineData(RotaryPlacement.Fused)]
    [InlineData(RotaryPlacement.Separate)]
    public void SharedBufferKvCacheReproducesReference(RotaryPlacement rotary)
    {
        // The runtime's mode: one [1, kv, capacity, head_dim] buffer bound as past and present.
        double maxError = CheckGreedyAgainstReference(TinyModels.Llama31, models.Get(TinyModels.Llama31, WeightPrecision.Fp32, rotary: rotary), sharedCacheCapacity: 128);
        output.WriteLine($"{TinyModels.Llama31} fp32 {rotary} rotary, shared KV buffer: max |Δ logit| {maxError:g3}");
    }

    [Fact]
    public void SeparateRotaryPathReproducesReferenceOnFusedCapableModel()
    {
        // tiny-llama31 has head_dim 64: the fused path is the default, so force the RotaryEmbedding fallback.
        double maxError = CheckGreedyAgainstReference(TinyModels.Llama31, models.Get(TinyModels.Llama31, WeightPrecision.Fp32, rotary: RotaryPlacement.Separate));
        output.WriteLine($"{TinyModels.Llama31} fp32 separate rotary: max |Δ logit| {maxError:g3}");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void FusedAndSeparateRotaryGiveTheSameLogits(string model)
    {
        ModelConfig config = TinyModels.Config(model);
        ReferenceCase reference = ReferenceFigures.Load(model)[1];
        using var fused = new DecoderRunner(models.Get(model, WeightPrecision.Fp32), config);
        using var separate = new DecoderRunner(models.Get(model, WeightPrecision.Fp32, rotary: RotaryPlacement.Separate), config);
        double maxDifference = MaxDifference(fused.Feed(reference.PromptIds), separate.Feed(reference.PromptIds));
        foreach (long id in reference.GreedyIds.Take(4))
        {
            maxDifference = Math.Max(maxDifference, MaxDifference(fused.Feed(id), separate.Feed(id)));
        }

        output.WriteLine($"{model}: fused vs separate rotary max |Δ logit| {maxDifference:g3}");
        Assert.True(maxDifference <= 1e-4, $"fused and separate rotary differ by {maxDifference:g3}");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Fp16GraphStaysCloseAndKeepsConfidentGreedyIds(string model)
    {
        ModelConfig config = TinyModels.Config(model);
        var checks = new LogitChecks(Fp16Tolerance);
        int confidentCompared = 0;
        foreach ((ReferenceCase reference, int caseIndex) in ReferenceFigures.Load(model).Select((item, index) => (item, index)))
        {
            using var runner = new DecoderRunner(models.Get(model, WeightPrecision.Fp16), config);
            float[][] prefill = runner.Feed(reference.PromptIds);
            for (int position = 0; position < prefill.Length; position++)
            {
                checks.Check(prefill[position], reference.Prefill[position], $"{model} fp16 case {caseIndex} prefill {position}");
                if (reference.Prefill[position].Margin12 > Fp16SafeMargin)
                {
                    Assert.Equal(reference.Prefill[position].TopIds[0], LogitChecks.ArgMax(prefill[position]));
                    confidentCompared++;
                }
            }

            // Free-running greedy: ids must match for the leading steps whose reference margin is safe.
            float[] logits = prefill[^1];
            for (int step = 0; step < reference.Steps.Length && reference.Steps[step].Margin12 > Fp16SafeMargin; step++)
            {
                checks.Check(logits, reference.Steps[step], $"{model} fp16 case {caseIndex} step {step}");
                int chosen = LogitChecks.ArgMax(logits);
                Assert.Equal(reference.GreedyIds[step], chosen);
                confidentCompared++;
                logits = runner.Feed(chosen)[0];
            }
        }

        output.WriteLine($"{model} fp16: max |Δ logit| {checks.MaxError:g3} over {checks.Positions} positions, {confidentCompared} confident top-1 checks");
        Assert.True(confidentCompared > 0, "no reference step had a safe margin: the greedy comparison checked nothing");
    }

    [Fact]
    public void LastPositionLogitsOnlyMatchesTheLastRowOfAllLogits()
    {
        const string model = TinyModels.Qwen3;
        ModelConfig config = TinyModels.Config(model);
        ReferenceCase reference = ReferenceFigures.Load(model)[0];
        using var all = new DecoderRunner(models.Get(model, WeightPrecision.Fp32), config);
        using var last = new DecoderRunner(models.Get(model, WeightPrecision.Fp32, lastPositionOnly: true), config);
        float[][] allRows = all.Feed(reference.PromptIds);
        float[][] lastRows = last.Feed(reference.PromptIds);
        Assert.Single(lastRows);
        Assert.Equal(allRows[^1], lastRows[0]);
        var checks = new LogitChecks(Fp32Tolerance);
        checks.Check(lastRows[0], reference.Steps[0], $"{model} last-position step 0");
        float[][] step = last.Feed(reference.GreedyIds[0]);
        Assert.Single(step);
        checks.Check(step[0], reference.Steps[1], $"{model} last-position step 1");
    }

    private static double MaxDifference(float[][] left, float[][] right)
    {
        Assert.Equal(left.Length, right.Length);
        double max = 0;
        for (int row = 0; row < left.Length; row++)
        {
            for (int i = 0; i < left[row].Length; i++)
            {
                max = Math.Max(max, Math.Abs(left[row][i] - right[row][i]));
            }
        }

        return max;
    }

    private static double CheckGreedyAgainstReference(string model, string folder, int sharedCacheCapacity = 0)
    {
        ModelConfig config = TinyModels.Config(model);
        var checks = new LogitChecks(Fp32Tolerance);
        foreach ((ReferenceCase reference, int caseIndex) in ReferenceFigures.Load(model).Select((item, index) => (item, index)))
        {
            using var runner = new DecoderRunner(folder, config, sharedCacheCapacity);
            float[][] prefill = runner.Feed(reference.PromptIds);
            Assert.Equal(reference.Prefill.Length, prefill.Length);
            for (int position = 0; position < prefill.Length; position++)
            {
                checks.Check(prefill[position], reference.Prefill[position], $"{model} case {caseIndex} prefill {position}");
            }

            float[] logits = prefill[^1];
            var generated = new List<long>();
            for (int step = 0; step < reference.Steps.Length; step++)
            {
                checks.Check(logits, reference.Steps[step], $"{model} case {caseIndex} step {step}");
                long chosen = LogitChecks.ArgMax(logits);
                generated.Add(chosen);
                if (step + 1 < reference.Steps.Length)
                {
                    logits = runner.Feed(chosen)[0];
                }
            }

            Assert.Equal(reference.GreedyIds, generated);
        }

        return checks.MaxError;
    }
}

using EdgeLLM.Quantize.Gguf;
using EdgeLLM.Quantize.Tests.Architectures;
using Xunit.Abstractions;

namespace EdgeLLM.Quantize.Tests.Gguf;

/// <summary>
/// llama.cpp (LLamaSharp 0.30.0's native library) runs our GGUF files of the three tiny fixture models:
/// its greedy tokens at f16 are the reference greedy ids, its logits stay within the fp16 tolerance of the
/// reference, and q8_0 keeps the reference's top-1 wherever the reference margin exceeds twice the
/// q8_0 logit error bound.
/// </summary>
[Collection(nameof(LlamaCppCollection))]
public sealed class GgufLlamaCppTests(ExportedTinyModels models, ITestOutputHelper output)
{
    /// <summary>fp16 tolerance of the fixture README (fp16 graph within 5e-2 of the reference).</summary>
    private const float F16Tolerance = 5e-2f;

    /// <summary>
    /// Bound on q8_0's |Δ logit| relative to the largest reference logit magnitude (8-bit weights, and
    /// llama.cpp quantizes activations to 8 bits too, so the error scales with the logits: Qwen3's reach 40).
    /// </summary>
    private const float Q8_0RelativeTolerance = 0.02f;

    public static TheoryData<string> Models => new(TinyModels.WithYarn);

    [Theory]
    [MemberData(nameof(Models))]
    public void F16GreedyTokensEqualTheReferenceAndLogitsStayWithinTheFp16Tolerance(string model)
    {
        var checks = new LogitChecks(F16Tolerance);
        foreach ((ReferenceCase reference, int index) in ReferenceFigures.Load(model).Select((reference, index) => (reference, index)))
        {
            using LlamaCppModel llama = LlamaCpp.Load(models.Path(model, GgufExportType.F16));
            Assert.Equal(models.ExpectedVocabularySize(model), llama.VocabularySize);
            int[] prompt = reference.PromptIds.Select(id => (int)id).ToArray();
            float[][] prefill = llama.Decode(prompt, 0);
            for (int position = 0; position < prompt.Length; position++)
            {
                checks.Check(prefill[position], reference.Prefill[position], $"{model} case {index} prefill position {position}");
            }

            var greedy = new List<long>();
            float[] logits = prefill[^1];
            for (int step = 0; step < reference.GreedyIds.Length; step++)
            {
                checks.Check(logits, reference.Steps[step], $"{model} case {index} greedy step {step}");
                int token = LogitChecks.ArgMax(logits);
                greedy.Add(token);
                logits = llama.Decode([token], prompt.Length + step)[0];
            }

            Assert.Equal(reference.GreedyIds, greedy);
        }

        output.WriteLine($"{model} f16: max |Δ| vs reference (top-16 logits and logsumexp, {checks.Positions} prefill positions and greedy steps) = {checks.MaxError:E2}");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Q8_0KeepsTheReferenceTop1WhereTheMarginExceedsTwiceItsLogitError(string model)
    {
        IReadOnlyList<ReferenceCase> references = ReferenceFigures.Load(model);
        float logitScale = references.SelectMany(reference => reference.Steps).Max(step => step.TopLogits.Max(Math.Abs));
        var checks = new LogitChecks(Q8_0RelativeTolerance * logitScale);
        var steps = new List<(float[] Logits, ReferencePosition Expected, long GreedyId)>();
        foreach ((ReferenceCase reference, int index) in references.Select((reference, index) => (reference, index)))
        {
            using LlamaCppModel llama = LlamaCpp.Load(models.Path(model, GgufExportType.Q8_0));

            // Teacher-forced: the prompt, then the reference greedy tokens; logits at every position.
            int[] tokens = [.. reference.PromptIds.Select(id => (int)id), .. reference.GreedyIds[..^1].Select(id => (int)id)];
            float[][] logits = llama.Decode(tokens, 0);
            for (int step = 0; step < reference.GreedyIds.Length; step++)
            {
                float[] stepLogits = logits[reference.PromptIds.Length - 1 + step];
                checks.Check(stepLogits, reference.Steps[step], $"{model} q8_0 case {index} step {step}");
                steps.Add((stepLogits, reference.Steps[step], reference.GreedyIds[step]));
            }
        }

        var decisive = steps.Where(step => step.Expected.Margin12 > 2 * checks.MaxError).ToList();
        int agreeing = steps.Count(step => LogitChecks.ArgMax(step.Logits) == step.GreedyId);
        output.WriteLine($"{model} q8_0: max |Δ| vs reference on the greedy steps = {checks.MaxError:E2} (bound {Q8_0RelativeTolerance * logitScale:E2}); top-1 = reference on {agreeing}/{steps.Count} steps; {decisive.Count} steps have margin12 > 2·max|Δ| and must agree");
        Assert.All(decisive, step => Assert.Equal(step.GreedyId, LogitChecks.ArgMax(step.Logits)));
    }
}

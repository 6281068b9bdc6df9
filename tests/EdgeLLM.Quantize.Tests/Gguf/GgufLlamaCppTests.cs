using System.Text.Json;
using EdgeLLM.Quantize.Gguf;
using EdgeLLM.Quantize.Tests.Architectures;
using EdgeLLM.Tests.Shared;
using Xunit.Abstractions;

namespace EdgeLLM.Quantize.Tests.Gguf;

/// <summary>
/// llama.cpp (LLamaSharp 0.30.0's native library) runs our GGUF files of the three tiny fixture models:
/// its tokenizer reproduces the reference prompt ids from the GGUF's tokenizer metadata, its greedy
/// tokens at f16 are the reference greedy ids, its logits stay within the fp16 tolerance of the
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

    public static TheoryData<string> Models => new(TinyModels.All);

    [Theory]
    [MemberData(nameof(Models))]
    public void LlamaCppTokenizesTheReferencePromptsToTheReferenceIds(string model)
    {
        using LlamaCppModel llama = LlamaCpp.Load(models.Path(model, GgufExportType.F16));
        string[] prompts = PromptTexts(model);
        IReadOnlyList<ReferenceCase> references = ReferenceFigures.Load(model);

        // Case 0: the chat template's text (BOS already in it where the template writes one), no special tokens added.
        Assert.Equal(references[0].PromptIds.Select(id => (int)id), llama.Tokenize(prompts[0], addSpecial: false));

        // Case 1: plain text encoded with special tokens: BOS only where the GGUF's add_bos_token says (R1, Llama; not Qwen3).
        Assert.Equal(references[1].PromptIds.Select(id => (int)id), llama.Tokenize(prompts[1], addSpecial: true));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void F16GreedyTokensEqualTheReferenceAndLogitsStayWithinTheFp16Tolerance(string model)
    {
        float maxDelta = 0;
        foreach (ReferenceCase reference in ReferenceFigures.Load(model))
        {
            using LlamaCppModel llama = LlamaCpp.Load(models.Path(model, GgufExportType.F16));
            Assert.Equal(models.ExpectedVocabularySize(model), llama.VocabularySize);
            int[] prompt = reference.PromptIds.Select(id => (int)id).ToArray();
            float[][] prefill = llama.Decode(prompt, 0);
            for (int position = 0; position < prompt.Length; position++)
            {
                maxDelta = Math.Max(maxDelta, MaxDelta(prefill[position], reference.Prefill[position]));
            }

            var greedy = new List<long>();
            float[] logits = prefill[^1];
            for (int step = 0; step < reference.GreedyIds.Length; step++)
            {
                maxDelta = Math.Max(maxDelta, MaxDelta(logits, reference.Steps[step]));
                int token = ArgMax(logits);
                greedy.Add(token);
                logits = llama.Decode([token], prompt.Length + step)[0];
            }

            Assert.Equal(reference.GreedyIds, greedy);
        }

        output.WriteLine($"{model} f16: max |Δ logit| vs reference (top-16 ids, every prefill position and greedy step) = {maxDelta:E2}");
        Assert.InRange(maxDelta, 0, F16Tolerance);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Q8_0KeepsTheReferenceTop1WhereTheMarginExceedsTwiceItsLogitError(string model)
    {
        var steps = new List<(float[] Logits, ReferencePosition Expected, long GreedyId)>();
        foreach (ReferenceCase reference in ReferenceFigures.Load(model))
        {
            using LlamaCppModel llama = LlamaCpp.Load(models.Path(model, GgufExportType.Q8_0));

            // Teacher-forced: the prompt, then the reference greedy tokens; logits at every position.
            int[] tokens = [.. reference.PromptIds.Select(id => (int)id), .. reference.GreedyIds[..^1].Select(id => (int)id)];
            float[][] logits = llama.Decode(tokens, 0);
            for (int step = 0; step < reference.GreedyIds.Length; step++)
            {
                steps.Add((logits[reference.PromptIds.Length - 1 + step], reference.Steps[step], reference.GreedyIds[step]));
            }
        }

        float maxDelta = steps.Max(step => MaxDelta(step.Logits, step.Expected));
        float logitScale = steps.Max(step => step.Expected.TopLogits.Max(Math.Abs));
        var decisive = steps.Where(step => step.Expected.Margin12 > 2 * maxDelta).ToList();
        int agreeing = steps.Count(step => ArgMax(step.Logits) == step.GreedyId);
        output.WriteLine($"{model} q8_0: max |Δ logit| vs reference on the greedy steps = {maxDelta:E2} (bound {Q8_0RelativeTolerance * logitScale:E2}); top-1 = reference on {agreeing}/{steps.Count} steps; {decisive.Count} steps have margin12 > 2·max|Δ| and must agree");
        Assert.InRange(maxDelta, 0, Q8_0RelativeTolerance * logitScale);
        Assert.All(decisive, step => Assert.Equal(step.GreedyId, ArgMax(step.Logits)));
    }

    private static float MaxDelta(float[] logits, ReferencePosition reference)
    {
        float max = 0;
        for (int i = 0; i < reference.TopIds.Length; i++)
        {
            max = Math.Max(max, Math.Abs(logits[reference.TopIds[i]] - reference.TopLogits[i]));
        }

        return max;
    }

    private static int ArgMax(float[] logits)
    {
        int best = 0;
        for (int i = 1; i < logits.Length; i++)
        {
            if (logits[i] > logits[best])
            {
                best = i;
            }
        }

        return best;
    }

    private static string[] PromptTexts(string model)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(TestPaths.Fixture($"{model}.reference.json")));
        return document.RootElement.GetProperty("cases").EnumerateArray().Select(item => item.GetProperty("prompt").GetString()!).ToArray();
    }
}

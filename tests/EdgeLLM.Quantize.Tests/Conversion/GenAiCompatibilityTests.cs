using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Quantize.Tests.Architectures;
using Microsoft.ML.OnnxRuntimeGenAI;

namespace EdgeLLM.Quantize.Tests.Conversion;

/// <summary>
/// The converted folders under ONNX Runtime GenAI (its own loader reads genai_config.json and drives the
/// graph with a shared past/present buffer): greedy generation reproduces the reference ids.
/// </summary>
[Collection(ConvertedModelsCollection.Name)]
public sealed class GenAiCompatibilityTests(ConvertedModels models)
{
    public static TheoryData<string, WeightPrecision, bool> Cases => new()
    {
        { TinyModels.Qwen2, WeightPrecision.Fp16, true },
        { TinyModels.Llama31, WeightPrecision.Fp32, false },
        { TinyModels.Qwen3, WeightPrecision.Fp32, true },
    };

    /// <summary>int4 with the default settings (block 32, searched scales, int8 lm_head, accuracy_level 4).</summary>
    public static TheoryData<string, bool> Int4Cases => new()
    {
        { TinyModels.Qwen2, true },
        { TinyModels.Llama31, false },
        { TinyModels.Qwen3, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void GenAiGreedyGenerationReproducesReferenceIds(string model, WeightPrecision precision, bool lastPositionOnly)
    {
        ReferenceCase reference = ReferenceFigures.Load(model)[1];
        Assert.Equal(reference.GreedyIds, GenAiGreedy(models.Get(model, precision, lastPositionOnly), reference.PromptIds, reference.GreedyIds.Length));
    }

    /// <summary>
    /// The int4 folder (MatMulNBits, GatherBlockQuantized) under GenAI gives the same greedy ids as plain
    /// ONNX Runtime driving the same graph (they differ from the fp32 reference, so the reference is not the bar).
    /// </summary>
    [Theory]
    [MemberData(nameof(Int4Cases))]
    public void GenAiGreedyGenerationOfInt4MatchesPlainOnnxRuntime(string model, bool lastPositionOnly)
    {
        ReferenceCase reference = ReferenceFigures.Load(model)[1];
        string folder = models.Get(model, WeightPrecision.Int4, lastPositionOnly);
        var plain = new List<long>();
        using (var runner = new DecoderRunner(folder, TinyModels.Config(model)))
        {
            float[] logits = runner.Feed(reference.PromptIds)[^1];
            while (plain.Count < reference.GreedyIds.Length)
            {
                plain.Add(LogitChecks.ArgMax(logits));
                logits = runner.Feed(plain[^1])[0];
            }
        }

        Assert.Equal(plain, GenAiGreedy(folder, reference.PromptIds, reference.GreedyIds.Length));
    }

    private static List<long> GenAiGreedy(string folder, long[] promptIds, int count)
    {
        using var genai = new Model(folder);
        using var parameters = new GeneratorParams(genai);
        parameters.SetSearchOption("max_length", promptIds.Length + count);
        parameters.SetSearchOption("do_sample", false);
        using var generator = new Generator(genai, parameters);
        generator.AppendTokens(promptIds.Select(id => (int)id).ToArray());
        var generated = new List<long>();
        while (!generator.IsDone() && generated.Count < count)
        {
            generator.GenerateNextToken();
            generated.Add(generator.GetSequence(0)[^1]);
        }

        return generated;
    }
}

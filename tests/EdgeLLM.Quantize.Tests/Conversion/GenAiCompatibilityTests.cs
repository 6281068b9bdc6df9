using EdgeLLM.Quantize.Conversion;
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

    [Theory]
    [MemberData(nameof(Cases))]
    public void GenAiGreedyGenerationReproducesReferenceIds(string model, WeightPrecision precision, bool lastPositionOnly)
    {
        ReferenceCase reference = ReferenceFigures.Load(model)[1];
        using var genai = new Model(models.Get(model, precision, lastPositionOnly));
        using var parameters = new GeneratorParams(genai);
        int length = reference.PromptIds.Length + reference.GreedyIds.Length;
        parameters.SetSearchOption("max_length", length);
        parameters.SetSearchOption("do_sample", false);
        using var generator = new Generator(genai, parameters);
        generator.AppendTokens(reference.PromptIds.Select(id => (int)id).ToArray());
        var generated = new List<long>();
        while (!generator.IsDone() && generated.Count < reference.GreedyIds.Length)
        {
            generator.GenerateNextToken();
            generated.Add(generator.GetSequence(0)[^1]);
        }

        Assert.Equal(reference.GreedyIds, generated);
    }
}

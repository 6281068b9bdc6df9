using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Quantize.Conversion;
using EdgeLLM.Quantize.Gguf;
using EdgeLLM.Quantize.Tests.Architectures;
using EdgeLLM.Tests.Shared;
using LLama.Native;
using Xunit.Abstractions;

namespace EdgeLLM.Quantize.Tests.Gguf;

/// <summary>
/// llama.cpp's own Q4_K_M and Q6_K files of tiny-k256 (rows of whole 256-element super-blocks, so the K types
/// stay): imported with their blocks kept, they follow llama.cpp's greedy ids on the chat and story prompts.
/// </summary>
[Collection(nameof(LlamaCppCollection))]
public sealed class GgufKQuantImportTests(KQuantFiles files, ITestOutputHelper output) : IClassFixture<KQuantFiles>
{
    public static TheoryData<LLamaFtype> FileTypes => new(LLamaFtype.MOSTLY_Q4_K_M, LLamaFtype.MOSTLY_Q6_K);

    [Theory]
    [MemberData(nameof(FileTypes))]
    public void KQuantImportGivesLlamaCppGreedyIdsOnTheSameFile(LLamaFtype type)
    {
        string gguf = files.Path(type);
        using TempFolder temp = TestPaths.CreateTemp();
        ModelConfig config;
        string mix;
        using (GgufCheckpoint checkpoint = GgufCheckpoint.Open(gguf))
        {
            config = checkpoint.Config;
            mix = string.Join(", ", checkpoint.File.Tensors.GroupBy(tensor => tensor.Type).Select(group => $"{group.Key}×{group.Count()}"));
            Assert.Contains(checkpoint.File.Tensors, tensor => tensor.Type == (type == LLamaFtype.MOSTLY_Q4_K_M ? GgmlType.Q4_K : GgmlType.Q6_K));
            ConversionResult result = GgufImporter.Import(checkpoint, temp.Path, new ConversionOptions { MaxContext = 256, LastPositionLogitsOnly = true });
            output.WriteLine($"{type}: {mix}; carried: {EdgeLLM.Quantize.Quantizers.QuantizationReport.Of(result.QuantizedTensors)}");
        }

        GreedyComparison comparison = GgufImportTests.CompareGreedy(gguf, temp.Path, config, ReferenceFigures.Load("tiny-r1-qwen2").Select(reference => reference.PromptIds).ToList(), 8);
        output.WriteLine($"{KQuantFiles.Shape} {type}: {comparison}");
        comparison.AssertAgreement();
    }
}

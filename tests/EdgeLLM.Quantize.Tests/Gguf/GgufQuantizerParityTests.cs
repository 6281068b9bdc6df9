using EdgeLLM.Quantize.Gguf;
using EdgeLLM.Quantize.Tests.Architectures;
using EdgeLLM.Tests.Shared;
using LLama.Native;
using Xunit.Abstractions;

namespace EdgeLLM.Quantize.Tests.Gguf;

/// <summary>
/// Our Q8_0 and Q4_0 files against llama.cpp's own quantizer (llama_model_quantize, what llama-quantize
/// runs) applied to our f16 file: the same tensors, types and dimensions, and byte-identical data. The
/// recipe's weights are exact in fp16, so quantizing from bf16 or from f16 sees the same values.
/// </summary>
[Collection(nameof(LlamaCppCollection))]
public sealed class GgufQuantizerParityTests(ExportedTinyModels models, ITestOutputHelper output)
{
    public static TheoryData<string, GgufExportType> Cases()
    {
        var cases = new TheoryData<string, GgufExportType>();
        foreach (string model in TinyModels.All)
        {
            cases.Add(model, GgufExportType.Q8_0);
            cases.Add(model, GgufExportType.Q4_0);
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void OurQuantizedTensorsAreByteIdenticalToLlamaCppsQuantizerOnOurF16File(string model, GgufExportType type)
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string theirs = Path.Combine(temp.Path, $"llama-quantize.{type.Name()}.gguf");
        LlamaCpp.Quantize(
            models.Path(model, GgufExportType.F16),
            theirs,
            type == GgufExportType.Q8_0 ? LLamaFtype.MOSTLY_Q8_0 : LLamaFtype.MOSTLY_Q4_0,
            GGMLType.GGML_TYPE_Q8_0);

        GgufFile ours = GgufFile.Read(models.Path(model, type));
        GgufFile reference = GgufFile.Read(theirs);
        Assert.Equal(reference.Tensors.Select(tensor => tensor.Name).Order(), ours.Tensors.Select(tensor => tensor.Name).Order());
        int quantized = 0;
        foreach (GgufTensorEntry expected in reference.Tensors)
        {
            GgufTensorEntry actual = ours.Tensor(expected.Name);
            Assert.True(expected.Type == actual.Type, $"{expected.Name}: llama.cpp wrote {expected.Type}, we wrote {actual.Type}");
            Assert.Equal(expected.Dimensions, actual.Dimensions);
            byte[] expectedBytes = reference.ReadBytes(expected);
            byte[] actualBytes = ours.ReadBytes(actual);
            int firstDifference = expectedBytes.AsSpan().CommonPrefixLength(actualBytes);
            Assert.True(firstDifference == expectedBytes.Length && expectedBytes.Length == actualBytes.Length, $"{expected.Name} ({expected.Type}): first differing byte at {firstDifference} of {expectedBytes.Length}");
            quantized += (GgmlType)expected.Type.Value is GgmlType.Q4_0 or GgmlType.Q8_0 ? 1 : 0;
        }

        Assert.Equal(reference.Metadata["general.file_type"], ours.Metadata["general.file_type"]);
        output.WriteLine($"{model} {type.Name()}: {reference.Tensors.Count} tensors byte-identical to llama_model_quantize's, {quantized} of them quantized");
    }
}

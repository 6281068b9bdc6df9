using System.Text.Json;
using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Quantize.Conversion;
using EdgeLLM.Quantize.Onnx.Proto;
using EdgeLLM.Quantize.Quantizers;
using EdgeLLM.Quantize.Tests.Architectures;
using EdgeLLM.Tests.Shared;

namespace EdgeLLM.Quantize.Tests.Quantizers;

/// <summary>
/// An int4 conversion of the tied tiny-qwen3: every Linear layer is MatMulNBits, the tied embedding is
/// ONE stored copy (GatherBlockQuantized reads the lm_head's own B), and edgellm.json records the
/// settings and every quantized tensor's error.
/// </summary>
public sealed class QuantizedConversionTests
{
    [Fact]
    public void TiedInt4ModelStoresOneCopyAndReportsEveryTensor()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string folder = Path.Combine(temp.Path, "int4");
        using (var checkpoint = TinyModels.Open(TinyModels.Qwen3))
        {
            ConversionResult result = ModelConverter.Convert(checkpoint, folder, new ConversionOptions { Precision = WeightPrecision.Int4 });
            Assert.Equal(11, result.QuantizedTensors.Count);

            // Scales and zero points leave memory once written (an 8B model's int4 scales are ~1 GB): only the report stays.
            Assert.All(result.QuantizedTensors, tensor => Assert.Equal((0, null), (tensor.Scales.Length, tensor.ZeroPoints)));
        }

        GraphProto graph = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(folder, "model.onnx"))).Graph;
        var initializers = graph.Initializer.Select(tensor => tensor.Name).ToHashSet(StringComparer.Ordinal);
        Assert.DoesNotContain(graph.Node, node => node.OpType is "MatMul" or "Gemm" || (node.OpType == "Gather" && initializers.Contains(node.Input[0])));
        Assert.Equal(11, graph.Node.Count(node => node.OpType == "MatMulNBits"));
        NodeProto gather = Assert.Single(graph.Node, node => node.OpType == "GatherBlockQuantized");
        NodeProto lmHead = Assert.Single(graph.Node, node => node.OpType == "MatMulNBits" && node.Output[0] == "logits");
        Assert.Equal(lmHead.Input[1], gather.Input[0]);
        Assert.Equal(8, lmHead.Attribute.Single(attribute => attribute.Name == "bits").I);
        var config = TinyModels.Config(TinyModels.Qwen3);
        Assert.DoesNotContain(graph.Initializer, tensor => tensor.Dims.SequenceEqual([(long)config.VocabSize, config.HiddenSize]));

        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "edgellm.json")));
        JsonElement quantization = manifest.RootElement.GetProperty("quantization");
        Assert.Equal("int4", manifest.RootElement.GetProperty("precision").GetString());
        Assert.Equal(4, quantization.GetProperty("bits").GetInt32());
        Assert.Equal(new QuantizationSettings().BlockSize, quantization.GetProperty("block_size").GetInt32());
        Assert.True(quantization.GetProperty("symmetric").GetBoolean());
        Assert.Equal("int8", quantization.GetProperty("lm_head").GetString());
        JsonElement[] tensors = quantization.GetProperty("tensors").EnumerateArray().ToArray();
        Assert.Equal(11, tensors.Length);
        Assert.All(tensors, tensor =>
        {
            Assert.InRange(tensor.GetProperty("rms_error").GetDouble(), 1e-6, tensor.GetProperty("max_abs_error").GetDouble());
            Assert.InRange(tensor.GetProperty("relative_rms_error").GetDouble(), 1e-4, 0.1);
        });
        Assert.Equal(8, tensors.Single(tensor => tensor.GetProperty("name").GetString() == "model.embed_tokens.weight").GetProperty("bits").GetInt32());
    }
}

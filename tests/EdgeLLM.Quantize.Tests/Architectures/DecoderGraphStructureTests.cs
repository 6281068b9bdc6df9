using DataType = EdgeLLM.Quantize.Onnx.Proto.TensorProto.Types.DataType;
using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Format;
using EdgeLLM.Quantize.Architectures;
using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Quantize.Onnx.Proto;

namespace EdgeLLM.Quantize.Tests.Architectures;

/// <summary>The shape of the emitted graphs: I/O contract, rotary placement, single embedding copy, fp16 storage.</summary>
[Collection(ConvertedModelsCollection.Name)]
public sealed class DecoderGraphStructureTests(ConvertedModels models)
{
    [Fact]
    public void InputsAndOutputsFollowTheGenAiContract()
    {
        ModelConfig config = TinyModels.Config(TinyModels.Qwen2);
        GraphProto graph = ModelFiles.Load(models.Get(TinyModels.Qwen2, WeightPrecision.Fp32)).Graph;
        string[] inputs = graph.Input.Select(Describe).ToArray();
        Assert.Equal(
            [
                "input_ids:7[batch_size,sequence_length]", "attention_mask:7[batch_size,total_sequence_length]",
                "past_key_values.0.key:1[batch_size,1,past_sequence_length,64]", "past_key_values.0.value:1[batch_size,1,past_sequence_length,64]",
                "past_key_values.1.key:1[batch_size,1,past_sequence_length,64]", "past_key_values.1.value:1[batch_size,1,past_sequence_length,64]",
            ],
            inputs);
        Assert.Equal(
            [
                $"logits:1[batch_size,sequence_length,{config.VocabSize}]",
                "present.0.key:1[batch_size,1,total_sequence_length,64]", "present.0.value:1[batch_size,1,total_sequence_length,64]",
                "present.1.key:1[batch_size,1,total_sequence_length,64]", "present.1.value:1[batch_size,1,total_sequence_length,64]",
            ],
            graph.Output.Select(Describe).ToArray());
        Assert.Equal($"logits:1[batch_size,1,{config.VocabSize}]",
            Describe(ModelFiles.Load(models.Get(TinyModels.Qwen3, WeightPrecision.Fp32, lastPositionOnly: true)).Graph.Output[0]));
    }

    [Theory]
    [InlineData(RotaryPlacement.Auto, true)]
    [InlineData(RotaryPlacement.Separate, false)]
    public void RotaryPlacementDecidesWhereRopeRuns(RotaryPlacement placement, bool fused)
    {
        GraphProto graph = ModelFiles.Load(models.Get(TinyModels.Llama31, WeightPrecision.Fp32, rotary: placement)).Graph;
        NodeProto[] attention = graph.Node.Where(node => node.OpType == "GroupQueryAttention").ToArray();
        Assert.Equal(2, attention.Length);
        Assert.All(attention, node =>
        {
            Assert.Equal("com.microsoft", node.Domain);
            Assert.Equal(fused ? 1 : 0, ModelFiles.Attribute(node, "do_rotary"));
            Assert.Equal(fused ? 9 : 7, node.Input.Count);
        });
        Assert.Equal(fused ? 0 : 4, graph.Node.Count(node => node.OpType == "RotaryEmbedding"));
    }

    [Fact]
    public void FusedRotaryIsRefusedForHeadSizesGroupQueryAttentionCannotRotate()
    {
        ModelConfig config = TinyModels.Config(TinyModels.Qwen2) with { HeadDim = 8 };
        Assert.False(DecoderGraph.UsesFusedRotary(config, RotaryPlacement.Auto));
        Assert.Throws<EdgeLlmException>(() => DecoderGraph.UsesFusedRotary(config, RotaryPlacement.Fused));
        Assert.Throws<EdgeLlmException>(() => DecoderGraph.UsesFusedRotary(config with { HeadDim = 12 }, RotaryPlacement.Auto));
    }

    [Fact]
    public void TiedEmbeddingsAreStoredOnce()
    {
        ModelConfig config = TinyModels.Config(TinyModels.Qwen3);
        GraphProto graph = ModelFiles.Load(models.Get(TinyModels.Qwen3, WeightPrecision.Fp32)).Graph;
        long embeddingElements = (long)config.VocabSize * config.HiddenSize;
        Assert.Single(graph.Initializer, tensor => tensor.Dims.Aggregate(1L, (product, dim) => product * dim) == embeddingElements);
        NodeProto gemm = graph.Node.Single(node => node.OpType == "Gemm");
        Assert.Equal(1, ModelFiles.Attribute(gemm, "transB"));
        Assert.Equal("model.embed_tokens.weight.weight", gemm.Input[1]);
    }

    [Fact]
    public void Fp16StoresEveryMatrixInHalfPrecision()
    {
        GraphProto graph = ModelFiles.Load(models.Get(TinyModels.Qwen2, WeightPrecision.Fp16)).Graph;
        TensorProto[] matrices = graph.Initializer.Where(tensor => tensor.Dims.Count == 2 && !tensor.Name.Contains("rotary", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2 + (2 * 5), matrices.Length); // embedding, lm_head; per layer qkv, o, gate, up, down
        Assert.All(matrices, tensor => Assert.Equal((int)DataType.Float16, tensor.DataType));
        long fp32Bytes = new FileInfo(Path.Combine(models.Get(TinyModels.Qwen2, WeightPrecision.Fp32), "model.onnx.data")).Length;
        long fp16Bytes = new FileInfo(Path.Combine(models.Get(TinyModels.Qwen2, WeightPrecision.Fp16), "model.onnx.data")).Length;
        Assert.InRange(fp16Bytes, fp32Bytes * 0.45, fp32Bytes * 0.55);
    }

    private static string Describe(ValueInfoProto value)
    {
        TypeProto.Types.Tensor tensor = value.Type.TensorType;
        string dims = string.Join(",", tensor.Shape.Dim.Select(dim => dim.DimParam is { Length: > 0 } symbol ? symbol : dim.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return $"{value.Name}:{tensor.ElemType}[{dims}]";
    }
}

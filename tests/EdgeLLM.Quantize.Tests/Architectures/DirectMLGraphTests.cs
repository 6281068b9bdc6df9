using System.Text.Json;
using DataType = EdgeLLM.Quantize.Onnx.Proto.TensorProto.Types.DataType;
using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Format;
using EdgeLLM.Quantize.Architectures;
using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Quantize.Conversion;
using EdgeLLM.Quantize.Onnx.Proto;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit.Abstractions;

namespace EdgeLLM.Quantize.Tests.Architectures;

/// <summary>
/// <c>quantize --target dml</c>: the graph has the DirectML properties of onnx-graph-facts.md (fp16 I/O,
/// no packed QKV, RotaryEmbedding nodes fed position_ids, GroupQueryAttention do_rotary 0, MatMulNBits
/// accuracy_level 0), edgellm.json records the target, and ONNX Runtime's CPU provider runs it close to
/// the CPU-target graph of the same checkpoint.
/// </summary>
[Collection(ConvertedModelsCollection.Name)]
public sealed class DirectMLGraphTests(ConvertedModels models, ITestOutputHelper log)
{
    private static readonly long[] PromptIds = [1, 2, 3, 100, 1000, 5000, 20000, 64000, 100000, 128000]; // within every tiny vocabulary (Llama 3.1: 128256)

    [Theory]
    [InlineData(TinyModels.Qwen2)]
    [InlineData(TinyModels.Llama31)]
    [InlineData(TinyModels.Qwen3)]
    public void GraphHasTheDirectMLShape(string model)
    {
        ModelConfig config = TinyModels.Config(model);
        GraphProto graph = ModelFiles.Load(models.Get(model, WeightPrecision.Int4, target: GraphTarget.DirectML)).Graph;

        // fp16 KV cache and logits; the ids and mask stay int64.
        Assert.All(graph.Input.Where(input => input.Name.StartsWith("past_key_values.", StringComparison.Ordinal)), input => Assert.Equal((int)DataType.Float16, input.Type.TensorType.ElemType));
        Assert.All(graph.Output, output => Assert.Equal((int)DataType.Float16, output.Type.TensorType.ElemType));
        Assert.Equal((int)DataType.Int64, graph.Input.Single(input => input.Name == GraphContract.InputIds).Type.TensorType.ElemType);

        // q, k and v are three MatMulNBits per layer (7 with o, gate, up, down), plus lm_head (int8); none packed.
        NodeProto[] matMuls = [.. graph.Node.Where(node => node.OpType == "MatMulNBits")];
        Assert.Equal((7 * config.LayerCount) + 1, matMuls.Length);
        Assert.DoesNotContain(graph.Initializer, tensor => tensor.Name.Contains("qkv_proj", StringComparison.Ordinal));
        Assert.All(matMuls, node => Assert.Equal(0, ModelFiles.Attribute(node, "accuracy_level")));
        Assert.All(graph.Initializer.Where(tensor => tensor.Name.EndsWith(".MatMulNBits.scales", StringComparison.Ordinal)), tensor => Assert.Equal((int)DataType.Float16, tensor.DataType));

        // RoPE outside attention: q and k of each layer through RotaryEmbedding with position_ids; GQA does not rotate.
        NodeProto[] rotary = [.. graph.Node.Where(node => node.OpType == "RotaryEmbedding")];
        Assert.Equal(2 * config.LayerCount, rotary.Length);
        Assert.All(rotary, node => Assert.Equal("model/attention_inputs/PositionIds/output_0", node.Input[1]));
        Assert.All(graph.Node.Where(node => node.OpType == "GroupQueryAttention"), node => Assert.Equal(0, ModelFiles.Attribute(node, "do_rotary")));
        Assert.All(graph.Initializer.Where(tensor => tensor.Name.StartsWith("model.rotary.", StringComparison.Ordinal)), tensor => Assert.Equal((int)DataType.Float16, tensor.DataType));
    }

    [Fact]
    public void ManifestRecordsTheTarget()
    {
        string folder = models.Get(TinyModels.Qwen2, WeightPrecision.Int4, target: GraphTarget.DirectML);
        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, ModelManifest.FileName)));

        Assert.Equal("dml", manifest.RootElement.GetProperty("target").GetString());
        Assert.Equal("fp16", manifest.RootElement.GetProperty("io_dtype").GetString());
        Assert.Equal("separate", manifest.RootElement.GetProperty("rotary").GetString());
        Assert.Equal(0, manifest.RootElement.GetProperty("quantization").GetProperty("accuracy_level").GetInt32());
        Assert.Equal("dml", ModelManifestReader.Read(folder).Target);
        Assert.Equal("cpu", ModelManifestReader.Read(models.Get(TinyModels.Qwen2, WeightPrecision.Int4)).Target);
    }

    [Fact]
    public void FusedRotaryIsRefusedForTheDirectMLTarget()
    {
        using var checkpoint = TinyModels.Open(TinyModels.Qwen2);
        using var output = EdgeLLM.Tests.Shared.TestPaths.CreateTemp();

        var error = Assert.Throws<EdgeLlmException>(() => ModelConverter.Convert(checkpoint, Path.Combine(output.Path, "model"), new ConversionOptions
        {
            Precision = WeightPrecision.Int4,
            Rotary = RotaryPlacement.Fused,
            Target = GraphTarget.DirectML,
        }));

        Assert.Contains("cannot use the fused rotary placement", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TinyModels.Qwen2)]
    [InlineData(TinyModels.Llama31)]
    [InlineData(TinyModels.Qwen3)]
    public void CpuProviderRunsItCloseToTheCpuGraph(string model)
    {
        ModelConfig config = TinyModels.Config(model);
        float[][] expected;
        using (var cpuGraph = new DecoderRunner(models.Get(model, WeightPrecision.Int4), config))
        {
            expected = cpuGraph.Feed(PromptIds);
        }

        float[][] actual = RunFp16(models.Get(model, WeightPrecision.Int4, target: GraphTarget.DirectML), config);

        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        for (int position = 0; position < expected.Length; position++)
        {
            float scale = expected[position].Max(value => Math.Abs(value));
            double difference = expected[position].Zip(actual[position], (a, b) => Math.Abs(a - b)).Max();
            worst = Math.Max(worst, difference / scale);
        }

        log.WriteLine($"{model}: largest logit difference fp16 (dml graph on CPU) vs fp32 (cpu graph): {worst:P2} of the largest logit");
        Assert.True(worst < 0.05, $"{model}: logits differ by {worst:P2} of the largest logit");
    }

    /// <summary>One prefill run of the fp16-I/O graph on the CPU provider: empty fp16 past, logits back to float.</summary>
    private static float[][] RunFp16(string folder, ModelConfig config)
    {
        using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        using var session = new InferenceSession(Path.Combine(folder, "model.onnx"), options);
        var inputs = new Dictionary<string, OrtValue>
        {
            [GraphContract.InputIds] = OrtValue.CreateTensorValueFromMemory(PromptIds, [1, PromptIds.Length]),
            [GraphContract.AttentionMask] = OrtValue.CreateTensorValueFromMemory(Enumerable.Repeat(1L, PromptIds.Length).ToArray(), [1, PromptIds.Length]),
        };
        for (int layer = 0; layer < config.LayerCount; layer++)
        {
            inputs[GraphContract.PastKey(layer)] = OrtValue.CreateTensorValueFromMemory(Array.Empty<Float16>(), [1, config.KvHeadCount, 0, config.HeadDim]);
            inputs[GraphContract.PastValue(layer)] = OrtValue.CreateTensorValueFromMemory(Array.Empty<Float16>(), [1, config.KvHeadCount, 0, config.HeadDim]);
        }

        try
        {
            using var runOptions = new RunOptions();
            using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(runOptions, inputs.Keys.ToArray(), inputs.Values.ToArray(), [GraphContract.Logits]);
            ReadOnlySpan<Float16> logits = outputs[0].GetTensorDataAsSpan<Float16>();
            int vocab = config.VocabSize;
            return [.. Enumerable.Range(0, logits.Length / vocab).Select(row => ToFloat(outputs[0].GetTensorDataAsSpan<Float16>().Slice(row * vocab, vocab)))];
        }
        finally
        {
            foreach (OrtValue value in inputs.Values)
            {
                value.Dispose();
            }
        }
    }

    private static float[] ToFloat(ReadOnlySpan<Float16> values)
    {
        var result = new float[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = values[i].ToFloat();
        }

        return result;
    }
}

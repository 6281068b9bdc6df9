using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Quantize.Onnx;
using EdgeLLM.Quantize.Quantizers;
using DataType = EdgeLLM.Quantize.Onnx.Proto.TensorProto.Types.DataType;

namespace EdgeLLM.Quantize.Architectures;

/// <summary>
/// Block-quantized weights (int4 or int8): every Linear layer is com.microsoft MatMulNBits over B
/// [N, k_blocks, blob_size], scales [N, k_blocks] and, when asymmetric, packed zero points, quantized
/// row chunk by row chunk straight into the external data file. lm_head follows
/// <see cref="QuantizationSettings.LmHead"/>. Untied embeddings follow <see cref="QuantizationSettings.Embeddings"/>
/// (fp32 by default: a Gather reads a few rows; quantized ones go through GatherBlockQuantized);
/// tied ones keep ONE copy: the lm_head's B, gathered by GatherBlockQuantized (quantize_axis 2, scales
/// reshaped to [N, k_blocks, 1]). Records every quantized tensor's error for edgellm.json.
/// </summary>
internal sealed class MatMulNBitsLinearEncoder : ILinearWeightEncoder
{
    private readonly QuantizationSettings settings;
    private readonly bool tiedEmbeddings;
    private readonly FloatLinearEncoder floatEncoder;
    private readonly DataType activation;
    private readonly int layerCount;
    private readonly ChannelImportance? importance;
    private readonly List<QuantizedTensor> quantized = [];
    private QuantizedInitializers? tiedEmbedding;

    /// <param name="activation">The type the graph computes in: the scales are stored in it (MatMulNBits' T1, GatherBlockQuantized's output).</param>
    /// <param name="layerCount">Decoder layers, for the per-tensor rules (<see cref="TensorQuantizationRules"/>).</param>
    /// <param name="importance">Input-channel importance of the Linear weights it names (weighted scale search), or null.</param>
    public MatMulNBitsLinearEncoder(QuantizationSettings settings, bool tiedEmbeddings, DataType activation = DataType.Float, int layerCount = 0, ChannelImportance? importance = null)
    {
        this.importance = importance;
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        this.settings = settings;
        this.tiedEmbeddings = tiedEmbeddings;
        this.activation = activation;
        this.layerCount = layerCount;
        floatEncoder = new FloatLinearEncoder(DataType.Float, activation);
    }

    public string Precision => settings.Bits == 8 ? "int8" : "int4";

    /// <summary>Every tensor quantized so far, in graph order, with its error.</summary>
    public IReadOnlyList<QuantizedTensor> Quantized => quantized;

    public string Linear(GraphBuilder graph, string input, LinearWeight weight, string? output = null)
    {
        BlockQuantizationOptions? options = TensorQuantizationRules.For(settings, weight.Name, layerCount);
        if (options is null)
        {
            return floatEncoder.Linear(graph, input, weight, output);
        }

        return MatMulNBits(graph, input, Store(graph, weight, options), output);
    }

    public string Embedding(GraphBuilder graph, string inputIds, LinearWeight embedding)
    {
        // A tied embedding is lm_head's one copy; an untied one follows its own setting.
        if ((tiedEmbeddings ? settings.LmHeadOptions : settings.EmbeddingOptions) is not { } options)
        {
            return floatEncoder.Embedding(graph, inputIds, embedding);
        }

        QuantizedInitializers stored = Store(graph, embedding, options);
        MatMulNBitsLayout layout = stored.Tensor.Layout;
        string scales = graph.Op("Reshape", $"{embedding.Name}/ScalesPerBlock", [stored.Scales, graph.Int64Constant($"{embedding.Name}/ScalesPerBlockShape", [layout.RowCount, layout.BlockCount, 1])]);
        string? zeroPoints = stored.Tensor.GatherZeroPoints() is { } unpacked
            ? graph.Initializer($"{embedding.Name}.GatherBlockQuantized.zero_points", DataType.Uint8, [layout.RowCount, layout.BlockCount, 1], writer => writer.Write(unpacked))
            : null;
        if (tiedEmbeddings)
        {
            // lm_head later needs only the initializer names and the layout.
            tiedEmbedding = stored with { Tensor = stored.Tensor.WithoutValues() };
        }
        string blocks = graph.MicrosoftOp(
            "GatherBlockQuantized",
            $"{embedding.Name}/GatherBlockQuantized",
            zeroPoints is null ? [stored.Packed, inputIds, scales] : [stored.Packed, inputIds, scales, zeroPoints],
            NodeAttribute.Int("bits", options.Bits),
            NodeAttribute.Int("block_size", options.BlockSize),
            NodeAttribute.Int("gather_axis", 0),
            NodeAttribute.Int("quantize_axis", 2));

        // [batch, seq, k_blocks, block_size] → [batch, seq, k_blocks * block_size], then drop K's padding.
        string hidden = graph.Op("Reshape", $"{embedding.Name}/Flatten", [blocks, graph.Int64Constant($"{embedding.Name}/FlatShape", [0, 0, -1])]);
        if (layout.BlockCount * options.BlockSize == layout.ColumnCount)
        {
            return hidden;
        }

        return graph.Op(
            "Slice",
            $"{embedding.Name}/DropPadding",
            [hidden, graph.Int64Constant($"{embedding.Name}/SliceStart", [0]), graph.Int64Constant($"{embedding.Name}/SliceEnd", [layout.ColumnCount]), graph.Int64Constant($"{embedding.Name}/SliceAxis", [2])]);
    }

    public string TiedLmHead(GraphBuilder graph, string input, LinearWeight embedding, string output)
        => tiedEmbedding is { } stored
            ? MatMulNBits(graph, input, stored, output)
            : floatEncoder.TiedLmHead(graph, input, embedding, output);

    private QuantizedInitializers Store(GraphBuilder graph, LinearWeight weight, BlockQuantizationOptions options)
    {
        var layout = new MatMulNBitsLayout(weight.OutFeatures, checked((int)weight.InFeatures), options.Bits, options.BlockSize);
        var rows = new WeightRows(weight.Name, weight.OutFeatures, layout.ColumnCount, weight.ReadRows);
        QuantizedTensor? tensor = null;
        string packed = graph.Initializer($"{weight.Name}.MatMulNBits.qweight", DataType.Uint8, layout.PackedShape,
            writer => tensor = BlockQuantizer.Quantize(rows, options, writer.Write, importance?.For(weight.Name), importance?.FeedbackFor(weight.Name)));
        QuantizedTensor result = tensor!;
        DataType scaleType = options.HalfScales ? DataType.Float16 : activation;
        string scales = graph.Initializer($"{weight.Name}.MatMulNBits.scales", scaleType, layout.ScaleShape,
            writer => FloatTensorEncoding.Write(writer, result.Scales, scaleType));
        if (scaleType != activation)
        {
            // fp16 scales in an fp32 graph: MatMulNBits wants its scales in the input's type.
            scales = graph.Node("Cast", $"{weight.Name}/MatMulNBits/ScalesToFloat", [scales], [$"{weight.Name}.MatMulNBits.scales_float"], string.Empty, NodeAttribute.Int("to", (long)activation))[0];
        }

        string? zeroPoints = result.ZeroPoints is { } points
            ? graph.Initializer($"{weight.Name}.MatMulNBits.qzeros", DataType.Uint8, layout.ZeroPointShape, writer => writer.Write(points))
            : null;
        // Scales and zero points are written: keep only the report's part of the tensor.
        quantized.Add(result.WithoutValues());
        return new QuantizedInitializers(result, packed, scales, zeroPoints);
    }

    private string MatMulNBits(GraphBuilder graph, string input, QuantizedInitializers stored, string? output)
    {
        MatMulNBitsLayout layout = stored.Tensor.Layout;
        string name = $"{stored.Tensor.Name}/MatMulNBits";
        return graph.Node(
            "MatMulNBits",
            name,
            stored.ZeroPoints is null ? [input, stored.Packed, stored.Scales] : [input, stored.Packed, stored.Scales, stored.ZeroPoints],
            [output ?? $"{name}/output_0"],
            GraphBuilder.MicrosoftDomain,
            NodeAttribute.Int("K", layout.ColumnCount),
            NodeAttribute.Int("N", layout.RowCount),
            NodeAttribute.Int("bits", layout.Bits),
            NodeAttribute.Int("block_size", layout.BlockSize),
            NodeAttribute.Int("accuracy_level", settings.AccuracyLevel))[0];
    }

    /// <summary>The initializer names one quantized weight was stored under.</summary>
    private sealed record QuantizedInitializers(QuantizedTensor Tensor, string Packed, string Scales, string? ZeroPoints);
}

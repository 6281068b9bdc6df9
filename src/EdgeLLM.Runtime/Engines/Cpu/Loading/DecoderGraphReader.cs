using System.Globalization;
using EdgeLLM.Format;
using EdgeLLM.Runtime.Engines.Cpu.Graph;
using EdgeLLM.Runtime.Engines.Cpu.Kernels;

namespace EdgeLLM.Runtime.Engines.Cpu.Loading;

/// <summary>
/// Recognises the decoder graphs EdgeLLM's converter writes (Llama, Qwen2 with the q|k|v bias, Qwen3 with
/// per-head q/k norms; fp32/fp16 MatMul or int4/int8 MatMulNBits linears; Gather or GatherBlockQuantized
/// embeddings; tied or untied lm_head; RoPE inside GroupQueryAttention or in RotaryEmbedding nodes) and
/// turns it into <see cref="DecoderWeights"/>: shapes from initializer dims, epsilons, head counts and the
/// attention scale from node attributes, the RoPE tables from the graph's cos/sin caches. What it does not
/// recognise is a <see cref="UnsupportedGraphException"/> with one line (auto then falls back to ONNX Runtime);
/// a damaged tensor is an <see cref="EdgeLlmException"/> naming it.
/// </summary>
internal sealed class DecoderGraphReader
{
    private static readonly HashSet<string> KnownOperators = new(StringComparer.Ordinal)
    {
        "Gather", "GatherBlockQuantized", "SimplifiedLayerNormalization", "SkipSimplifiedLayerNormalization", "MatMulNBits", "MatMul",
        "Gemm", "Cast", "Add", "Sub", "Mul", "Sigmoid", "Split", "Reshape", "Slice", "Shape", "Concat", "ReduceSum", "Range",
        "GroupQueryAttention", "RotaryEmbedding", "Constant",
    };

    private readonly OnnxModelFile graph;
    private readonly WeightFile weights;

    private DecoderGraphReader(OnnxModelFile graph, WeightFile weights)
    {
        this.graph = graph;
        this.weights = weights;
    }

    public static DecoderWeights Read(OnnxModelFile graph, WeightFile weights)
    {
        foreach (OnnxTensor tensor in graph.Initializers.Values)
        {
            weights.Check(tensor);
        }

        return new DecoderGraphReader(graph, weights).Read();
    }

    private DecoderWeights Read()
    {
        if (graph.Nodes.FirstOrDefault(node => !KnownOperators.Contains(node.OpType)) is { } unknown)
        {
            throw new UnsupportedGraphException($"operator {unknown.OpType} (node '{unknown.Name}')");
        }

        int layerCount = 0;
        while (graph.NodesByName.ContainsKey(AttentionNodeName(layerCount)))
        {
            layerCount++;
        }

        if (layerCount == 0)
        {
            throw new UnsupportedGraphException("no GroupQueryAttention node named 'model.layers.0/attn/GroupQueryAttention' (not a graph EdgeLLM's converter wrote)");
        }

        RmsNormWeight finalNorm = Norm(Node("model.norm"), 2);
        int hidden = finalNorm.Length;
        OnnxNode firstAttention = Node(AttentionNodeName(0));
        int headCount = checked((int)firstAttention.Int("num_heads"));
        int kvHeadCount = checked((int)firstAttention.Int("kv_num_heads"));
        if (headCount <= 0 || kvHeadCount <= 0 || headCount % kvHeadCount != 0)
        {
            throw new EdgeLlmException($"model.onnx: GroupQueryAttention has num_heads {headCount} and kv_num_heads {kvHeadCount}");
        }

        WeightMatrix firstQkv = Linear($"model.layers.0.self_attn.qkv_proj");
        int headDim = firstQkv.OutputCount / (headCount + (2 * kvHeadCount));
        if (headDim * (headCount + (2 * kvHeadCount)) != firstQkv.OutputCount || headDim == 0)
        {
            throw new EdgeLlmException($"model.onnx: the q|k|v projection has {firstQkv.OutputCount} outputs, not a multiple of {headCount}+2·{kvHeadCount} heads");
        }

        float scale = firstAttention.Float("scale", 0f);
        if (scale == 0f)
        {
            scale = 1f / MathF.Sqrt(headDim);
        }

        (OnnxTensor cos, OnnxTensor sin) = RotaryTables(firstAttention);
        var layers = new DecoderLayerWeights[layerCount];
        for (int layer = 0; layer < layerCount; layer++)
        {
            layers[layer] = Layer(layer, hidden, headCount, kvHeadCount, headDim);
        }

        WeightMatrix embedding = Embedding(hidden);
        WeightMatrix lmHead = LmHead();
        if (lmHead.InputCount != hidden || embedding.InputCount != hidden)
        {
            throw new EdgeLlmException($"model.onnx: lm_head or the embedding is not over the hidden size {hidden}");
        }

        int rotaryHalf = checked((int)cos.Dims[1]);
        if (2 * rotaryHalf > headDim)
        {
            throw new EdgeLlmException($"model.onnx: the RoPE cache '{cos.Name}' is {rotaryHalf} wide, more than half of head_dim {headDim}");
        }

        return new DecoderWeights
        {
            HiddenSize = hidden,
            HeadCount = headCount,
            KvHeadCount = kvHeadCount,
            HeadDim = headDim,
            IntermediateSize = layers[0].Gate.OutputCount,
            VocabSize = lmHead.OutputCount,
            AttentionScale = scale,
            RotaryCos = weights.Address(cos, OnnxDataType.Float),
            RotarySin = weights.Address(sin, OnnxDataType.Float),
            RotaryPositions = checked((int)cos.Dims[0]),
            RotaryHalf = rotaryHalf,
            Embedding = embedding,
            Layers = layers,
            FinalNorm = finalNorm,
            LmHead = lmHead,
        };
    }

    private DecoderLayerWeights Layer(int layer, int hidden, int headCount, int kvHeadCount, int headDim)
    {
        string prefix = $"model.layers.{layer}";
        OnnxNode attention = Node(AttentionNodeName(layer));
        if (attention.Int("num_heads") != headCount || attention.Int("kv_num_heads") != kvHeadCount)
        {
            throw new UnsupportedGraphException($"layer {layer} has different head counts from layer 0");
        }

        if (attention.Int("rotary_interleaved", 0) != 0 || attention.Float("softcap", 0f) != 0f || attention.Int("local_window_size", -1) != -1)
        {
            throw new UnsupportedGraphException($"layer {layer}'s GroupQueryAttention uses interleaved rotary, softcap or a local window");
        }

        OnnxNode inputNorm = Node($"{prefix}/input_layernorm");
        RmsNormWeight? queryNorm = null;
        RmsNormWeight? keyNorm = null;
        if (graph.NodesByName.TryGetValue($"{prefix}/attn/q_norm/SimplifiedLayerNormalization", out OnnxNode? q))
        {
            queryNorm = Norm(q, 1);
            keyNorm = Norm(Node($"{prefix}/attn/k_norm/SimplifiedLayerNormalization"), 1);
            if (queryNorm.Value.Length != headDim || keyNorm.Value.Length != headDim)
            {
                throw new EdgeLlmException($"model.onnx: layer {layer}'s q/k norms are not head_dim ({headDim}) wide");
            }
        }

        nint bias = 0;
        int qkvWidth = (headCount + (2 * kvHeadCount)) * headDim;
        if (graph.NodesByName.TryGetValue($"{prefix}/attn/qkv_bias", out OnnxNode? biasNode))
        {
            OnnxTensor biasTensor = Initializer(biasNode.Input(1));
            if (biasTensor.ElementCount != qkvWidth)
            {
                throw new EdgeLlmException($"model.onnx: tensor {biasTensor.Describe()} is not {qkvWidth} wide");
            }

            bias = weights.Address(biasTensor, OnnxDataType.Float);
        }

        var weightsOfLayer = new DecoderLayerWeights
        {
            InputNorm = Norm(inputNorm, inputNorm.OpType == "SkipSimplifiedLayerNormalization" ? 2 : 1),
            Qkv = Linear($"{prefix}.self_attn.qkv_proj"),
            QkvBias = bias,
            QueryNorm = queryNorm,
            KeyNorm = keyNorm,
            Output = Linear($"{prefix}.self_attn.o_proj"),
            PostAttentionNorm = Norm(Node($"{prefix}/post_attention_layernorm"), 2),
            Gate = Linear($"{prefix}.mlp.gate_proj"),
            Up = Linear($"{prefix}.mlp.up_proj"),
            Down = Linear($"{prefix}.mlp.down_proj"),
        };
        int intermediate = weightsOfLayer.Gate.OutputCount;
        if (weightsOfLayer.Qkv.InputCount != hidden || weightsOfLayer.Qkv.OutputCount != qkvWidth
            || weightsOfLayer.Output.InputCount != headCount * headDim || weightsOfLayer.Output.OutputCount != hidden
            || weightsOfLayer.Gate.InputCount != hidden || weightsOfLayer.Up.InputCount != hidden || weightsOfLayer.Up.OutputCount != intermediate
            || weightsOfLayer.Down.InputCount != intermediate || weightsOfLayer.Down.OutputCount != hidden
            || weightsOfLayer.InputNorm.Length != hidden || weightsOfLayer.PostAttentionNorm.Length != hidden)
        {
            throw new EdgeLlmException($"model.onnx: layer {layer}'s weights do not fit hidden {hidden}, {headCount}+2·{kvHeadCount} heads of {headDim}, intermediate {intermediate}");
        }

        return weightsOfLayer;
    }

    private (OnnxTensor Cos, OnnxTensor Sin) RotaryTables(OnnxNode attention)
    {
        string cosName;
        string sinName;
        if (attention.Int("do_rotary", 0) != 0)
        {
            cosName = attention.Input(7);
            sinName = attention.Input(8);
        }
        else
        {
            OnnxNode rotary = Node("model.layers.0/attn/q_rotary");
            if (rotary.Int("interleaved", 0) != 0)
            {
                throw new UnsupportedGraphException("interleaved RotaryEmbedding");
            }

            cosName = rotary.Input(2);
            sinName = rotary.Input(3);
        }

        OnnxTensor cos = Initializer(cosName);
        OnnxTensor sin = Initializer(sinName);
        if (cos.Dims.Length != 2 || !cos.Dims.SequenceEqual(sin.Dims) || cos.Dims[0] <= 0 || cos.Dims[1] <= 0)
        {
            throw new EdgeLlmException($"model.onnx: RoPE caches {cos.Describe()} and {sin.Describe()} are not two equal [positions, half] tables");
        }

        return (cos, sin);
    }

    private WeightMatrix Embedding(int hidden)
    {
        OnnxNode? gather = graph.Nodes.FirstOrDefault(node => node.OpType is "Gather" or "GatherBlockQuantized" && node.Input(1) == "input_ids");
        if (gather is null)
        {
            throw new UnsupportedGraphException("no Gather of input_ids (the embedding)");
        }

        if (gather.OpType == "Gather")
        {
            return FloatMatrix(Initializer(gather.Input(0)), outputMajor: true);
        }

        if (gather.Int("gather_axis", 0) != 0 || gather.Int("quantize_axis", 2) != 2)
        {
            throw new UnsupportedGraphException($"GatherBlockQuantized '{gather.Name}' with gather_axis/quantize_axis other than 0/2");
        }

        OnnxTensor packed = Initializer(gather.Input(0));
        string stem = packed.Name.EndsWith(".MatMulNBits.qweight", StringComparison.Ordinal) ? packed.Name[..^".MatMulNBits.qweight".Length] : packed.Name;
        OnnxTensor scales = Initializer(gather.Input(2));
        OnnxTensor? zeroPoints = null;
        int bits = checked((int)gather.Int("bits", 4));
        if (gather.Input(3).Length > 0)
        {
            // The MatMulNBits layout of the zero points (two per byte for int4), written beside the weight.
            zeroPoints = bits == 8
                ? Initializer(gather.Input(3))
                : graph.Initializers.TryGetValue($"{stem}.MatMulNBits.qzeros", out OnnxTensor? packedZeros)
                    ? packedZeros
                    : throw new UnsupportedGraphException($"GatherBlockQuantized '{gather.Name}' with 4-bit zero points and no packed '{stem}.MatMulNBits.qzeros'");
        }

        return BlockMatrix(packed, scales, zeroPoints, hidden, checked((int)gather.Int("block_size")), bits, gather.Name);
    }

    private WeightMatrix LmHead()
    {
        OnnxNode producer = graph.NodesByOutput.TryGetValue("logits", out OnnxNode? found) ? found : throw new UnsupportedGraphException("no node writes 'logits'");
        if (producer.OpType == "Reshape" && graph.NodesByName.TryGetValue("lm_head/Gemm", out OnnxNode? gemm))
        {
            if (gemm.Int("transB", 0) != 1)
            {
                throw new UnsupportedGraphException("an lm_head Gemm without transB");
            }

            return FloatMatrix(Initializer(gemm.Input(1)), outputMajor: true);
        }

        return producer.OpType is "MatMulNBits" or "MatMul"
            ? LinearOf(producer)
            : throw new UnsupportedGraphException($"logits written by {producer.OpType} '{producer.Name}'");
    }

    private WeightMatrix Linear(string module)
        => graph.NodesByName.TryGetValue($"{module}/MatMulNBits", out OnnxNode? quantized) ? LinearOf(quantized)
            : graph.NodesByName.TryGetValue($"{module}/MatMul", out OnnxNode? matMul) ? LinearOf(matMul)
            : throw new UnsupportedGraphException($"no linear layer '{module}' (a graph with separate q/k/v projections is the dml target variant)");

    private WeightMatrix LinearOf(OnnxNode node)
    {
        if (node.OpType == "MatMul")
        {
            return FloatMatrix(Initializer(node.Input(1)), outputMajor: false);
        }

        int k = checked((int)node.Int("K"));
        int n = checked((int)node.Int("N"));
        OnnxTensor packed = Initializer(node.Input(1));
        OnnxTensor scales = Initializer(node.Input(2));
        OnnxTensor? zeroPoints = node.Input(3).Length > 0 ? Initializer(node.Input(3)) : null;
        WeightMatrix matrix = BlockMatrix(packed, scales, zeroPoints, k, checked((int)node.Int("block_size")), checked((int)node.Int("bits")), node.Name);
        return matrix.OutputCount == n ? matrix : throw new EdgeLlmException($"model.onnx: node '{node.Name}' says N={n}, its weight {packed.Describe()} has {matrix.OutputCount} rows");
    }

    private WeightMatrix BlockMatrix(OnnxTensor packed, OnnxTensor scales, OnnxTensor? zeroPoints, int inputCount, int blockSize, int bits, string nodeName)
    {
        if (bits is not (4 or 8))
        {
            throw new UnsupportedGraphException($"{bits}-bit weights in '{nodeName}'");
        }

        if (blockSize < 16 || blockSize > 256 || (blockSize & (blockSize - 1)) != 0)
        {
            throw new UnsupportedGraphException($"block_size {blockSize} in '{nodeName}'");
        }

        int blocks = (inputCount + blockSize - 1) / blockSize;
        int blob = blockSize * bits / 8;
        if (packed.Dims.Length != 3 || packed.Dims[1] != blocks || packed.Dims[2] != blob || packed.Dims[0] <= 0)
        {
            throw new EdgeLlmException($"model.onnx: tensor {packed.Describe()} is not [N, {blocks}, {blob}] for K={inputCount}, block {blockSize}, {bits} bits");
        }

        int rows = checked((int)packed.Dims[0]);
        if (scales.ElementCount != (long)rows * blocks)
        {
            throw new EdgeLlmException($"model.onnx: tensor {scales.Describe()} does not hold {rows}×{blocks} scales");
        }

        bool half = scales.DataType == (int)OnnxDataType.Float16;
        nint zeroAddress = 0;
        if (zeroPoints is not null)
        {
            long rowBytes = ((blocks * (long)bits) + 7) / 8;
            if (zeroPoints.ElementCount != rows * rowBytes)
            {
                throw new EdgeLlmException($"model.onnx: tensor {zeroPoints.Describe()} does not hold {rows}×{rowBytes} packed zero points");
            }

            zeroAddress = weights.Address(zeroPoints, OnnxDataType.Uint8);
        }

        return new WeightMatrix
        {
            Layout = bits == 4 ? WeightLayout.Int4Blocks : WeightLayout.Int8Blocks,
            OutputCount = rows,
            InputCount = inputCount,
            BlockSize = blockSize,
            Values = weights.Address(packed, OnnxDataType.Uint8),
            Scales = weights.Address(scales, half ? OnnxDataType.Float16 : OnnxDataType.Float),
            ScalesAreHalf = half,
            ZeroPoints = zeroAddress,
        };
    }

    private WeightMatrix FloatMatrix(OnnxTensor tensor, bool outputMajor)
    {
        if (tensor.Dims.Length != 2 || tensor.Dims[0] <= 0 || tensor.Dims[1] <= 0)
        {
            throw new EdgeLlmException($"model.onnx: weight {tensor.Describe()} is not a matrix");
        }

        bool half = tensor.DataType == (int)OnnxDataType.Float16;
        int rows = checked((int)tensor.Dims[0]);
        int columns = checked((int)tensor.Dims[1]);
        return new WeightMatrix
        {
            Layout = (outputMajor, half) switch
            {
                (true, true) => WeightLayout.Float16OutputMajor,
                (true, false) => WeightLayout.Float32OutputMajor,
                (false, true) => WeightLayout.Float16InputMajor,
                _ => WeightLayout.Float32InputMajor,
            },
            OutputCount = outputMajor ? rows : columns,
            InputCount = outputMajor ? columns : rows,
            Values = weights.Address(tensor, half ? OnnxDataType.Float16 : OnnxDataType.Float),
        };
    }

    private RmsNormWeight Norm(OnnxNode node, int weightInput)
    {
        if (node.OpType is not ("SimplifiedLayerNormalization" or "SkipSimplifiedLayerNormalization"))
        {
            throw new UnsupportedGraphException($"node '{node.Name}' is {node.OpType}, not an RMS norm");
        }

        OnnxTensor weight = Initializer(node.Input(weightInput));
        if (weight.Dims.Length != 1)
        {
            throw new EdgeLlmException($"model.onnx: norm weight {weight.Describe()} is not a vector");
        }

        return new RmsNormWeight(weights.Address(weight, OnnxDataType.Float), checked((int)weight.Dims[0]), node.Float("epsilon", 1e-5f));
    }

    /// <summary>The initializer behind <paramref name="value"/>, looking through Cast and Reshape nodes.</summary>
    private OnnxTensor Initializer(string value)
    {
        for (int depth = 0; depth < 4; depth++)
        {
            if (graph.Initializers.TryGetValue(value, out OnnxTensor? tensor))
            {
                return tensor;
            }

            if (!graph.NodesByOutput.TryGetValue(value, out OnnxNode? producer) || producer.OpType is not ("Cast" or "Reshape"))
            {
                break;
            }

            value = producer.Input(0);
        }

        throw new UnsupportedGraphException($"'{value}' is not an initializer");
    }

    private OnnxNode Node(string name)
        => graph.NodesByName.TryGetValue(name, out OnnxNode? node) ? node : throw new UnsupportedGraphException($"no node named '{name}'");

    private static string AttentionNodeName(int layer) => string.Create(CultureInfo.InvariantCulture, $"model.layers.{layer}/attn/GroupQueryAttention");
}

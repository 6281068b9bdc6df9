using DataType = EdgeLLM.Quantize.Onnx.Proto.TensorProto.Types.DataType;
using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Format;
using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Quantize.Onnx;
using EdgeLLM.Quantize.Onnx.Proto;

namespace EdgeLLM.Quantize.Architectures;

/// <summary>
/// The decoder recipe shared by Llama, Qwen2 and Qwen3, emitting the ONNX Runtime GenAI contract:
/// inputs input_ids, attention_mask, past_key_values.%d.key/value; outputs logits, present.%d.key/value.
/// Per family parts come from the config: q/k/v biases (Qwen2, attention_bias), per-head q/k RMS norms
/// (Qwen3), Llama 3 or YaRN RoPE scaling (in <see cref="RotaryCache"/>). Weights stream from the checkpoint one
/// tensor at a time through the <see cref="ILinearWeightEncoder"/> and are released once written.
/// </summary>
internal sealed class DecoderGraph
{
    private readonly ICheckpoint checkpoint;
    private readonly ModelConfig config;
    private readonly GraphBuilder graph;
    private readonly ILinearWeightEncoder encoder;
    private readonly DecoderGraphOptions options;
    private readonly bool fusedRotary;
    private readonly DataType activation;
    private readonly CancellationToken cancellation;
    private readonly TensorProgress progress;

    private DecoderGraph(ICheckpoint checkpoint, GraphBuilder graph, ILinearWeightEncoder encoder, DecoderGraphOptions options, IProgress<Conversion.ConversionProgress>? progress, CancellationToken cancellation)
    {
        this.progress = new TensorProgress(checkpoint, progress);
        this.checkpoint = checkpoint;
        config = checkpoint.Config;
        this.graph = graph;
        this.encoder = encoder;
        this.options = options;
        this.cancellation = cancellation;
        fusedRotary = UsesFusedRotary(config, options.Rotary);
        if (fusedRotary && options.Target == GraphTarget.DirectML)
        {
            throw new EdgeLlmException("the DirectML graph rotates outside GroupQueryAttention: use the separate rotary placement");
        }

        activation = options.ActivationType;
    }

    /// <summary>Whether the graph rotates inside GroupQueryAttention for this config and placement.</summary>
    public static bool UsesFusedRotary(ModelConfig config, RotaryPlacement placement)
    {
        if (config.HeadDim % 8 != 0)
        {
            throw new EdgeLlmException($"head_dim {config.HeadDim} is not a multiple of 8 (GroupQueryAttention needs it)");
        }

        bool fusedPossible = config.HeadDim % 16 == 0;
        return placement switch
        {
            RotaryPlacement.Auto => fusedPossible,
            RotaryPlacement.Fused => fusedPossible ? true : throw new EdgeLlmException(
                $"head_dim {config.HeadDim}: GroupQueryAttention's rotary needs head_dim % 16 == 0; use the separate rotary placement"),
            _ => false,
        };
    }

    /// <summary>
    /// Emits the whole decoder into <paramref name="graph"/>, writing every weight through <paramref name="encoder"/>
    /// and reporting each checkpoint tensor to <paramref name="progress"/> once it is written.
    /// </summary>
    public static void Emit(ICheckpoint checkpoint, GraphBuilder graph, ILinearWeightEncoder encoder, DecoderGraphOptions options, IProgress<Conversion.ConversionProgress>? progress = null, CancellationToken cancellation = default)
        => new DecoderGraph(checkpoint, graph, encoder, options, progress, cancellation).Emit();

    public static string LayerName(string format, int layer) => format.Replace("%d", layer.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    private void Emit()
    {
        string inputIds = DeclareInputsAndOutputs();
        AttentionInputs attention = EmitAttentionInputs();

        LinearWeight embedding = Linear(HuggingFaceLayout.Embedding, HuggingFaceLayout.Embedding);
        string hidden = encoder.Embedding(graph, inputIds, embedding);
        Release(HuggingFaceLayout.Embedding);
        string residual = hidden;
        hidden = graph.Op("SimplifiedLayerNormalization", "model.layers.0/input_layernorm",
            [hidden, NormWeight(HuggingFaceLayout.Layer(0, "input_layernorm.weight"))],
            NodeAttribute.Int("axis", -1), NodeAttribute.Float("epsilon", (float)config.RmsNormEps), NodeAttribute.Int("stash_type", 1));

        for (int layer = 0; layer < config.LayerCount; layer++)
        {
            cancellation.ThrowIfCancellationRequested();
            string attentionOutput = EmitAttention(layer, hidden, attention);
            (hidden, residual) = SkipNorm($"model.layers.{layer}/post_attention_layernorm", attentionOutput, residual,
                HuggingFaceLayout.Layer(layer, "post_attention_layernorm.weight"));
            string mlpOutput = EmitMlp(layer, hidden);
            bool last = layer == config.LayerCount - 1;
            (hidden, residual) = SkipNorm(
                last ? "model.norm" : $"model.layers.{layer + 1}/input_layernorm",
                mlpOutput,
                residual,
                last ? HuggingFaceLayout.FinalNorm : HuggingFaceLayout.Layer(layer + 1, "input_layernorm.weight"));
        }

        if (options.LastPositionLogitsOnly)
        {
            hidden = graph.Op("Slice", "model/LastPosition", [
                hidden,
                graph.Int64Constant("model/LastPosition/Starts", [-1]),
                graph.Int64Constant("model/LastPosition/Ends", [long.MaxValue]),
                graph.Int64Constant("model/LastPosition/Axes", [1]),
            ]);
        }

        cancellation.ThrowIfCancellationRequested();
        if (config.TieWordEmbeddings)
        {
            encoder.TiedLmHead(graph, hidden, Linear(HuggingFaceLayout.Embedding, HuggingFaceLayout.Embedding), GraphContract.Logits);
            Release(HuggingFaceLayout.Embedding);
        }
        else
        {
            encoder.Linear(graph, hidden, Linear(HuggingFaceLayout.LmHead, HuggingFaceLayout.LmHead), GraphContract.Logits);
            Release(HuggingFaceLayout.LmHead);
        }
    }

    private string DeclareInputsAndOutputs()
    {
        const string batch = "batch_size";
        const string sequence = "sequence_length";
        const string total = "total_sequence_length";
        string inputIds = graph.Input(GraphContract.InputIds, DataType.Int64, batch, sequence);
        graph.Input(GraphContract.AttentionMask, DataType.Int64, batch, total);
        for (int layer = 0; layer < config.LayerCount; layer++)
        {
            graph.Input(LayerName(GraphContract.PastKeyFormat, layer), activation, batch, config.KvHeadCount, "past_sequence_length", config.HeadDim);
            graph.Input(LayerName(GraphContract.PastValueFormat, layer), activation, batch, config.KvHeadCount, "past_sequence_length", config.HeadDim);
        }

        graph.Output(GraphContract.Logits, activation, batch, options.LastPositionLogitsOnly ? 1 : sequence, config.VocabSize);
        for (int layer = 0; layer < config.LayerCount; layer++)
        {
            graph.Output(LayerName(GraphContract.PresentKeyFormat, layer), activation, batch, config.KvHeadCount, total, config.HeadDim);
            graph.Output(LayerName(GraphContract.PresentValueFormat, layer), activation, batch, config.KvHeadCount, total, config.HeadDim);
        }

        return inputIds;
    }

    /// <summary>seqlens_k, total_sequence_length, the RoPE caches and (separate rotary) position_ids, shared by every layer.</summary>
    private AttentionInputs EmitAttentionInputs()
    {
        const string prefix = "model/attention_inputs";
        string axisOne = graph.Int64Constant($"{prefix}/AxisOne", [1]);
        string one = graph.Int64Constant($"{prefix}/One", [1], scalar: true);
        string validCount = graph.Op("ReduceSum", $"{prefix}/ValidCount", [GraphContract.AttentionMask, axisOne], NodeAttribute.Int("keepdims", 0));
        string seqlensK = graph.Op("Cast", $"{prefix}/SeqlensK", [graph.Op("Sub", $"{prefix}/LastIndex", [validCount, one])], NodeAttribute.Int("to", (long)DataType.Int32));
        string maskShape = graph.Op("Shape", $"{prefix}/MaskShape", [GraphContract.AttentionMask]);
        string totalLength = graph.Op("Cast", $"{prefix}/TotalSequenceLength",
            [graph.Op("Gather", $"{prefix}/MaskColumns", [maskShape, one], NodeAttribute.Int("axis", 0))],
            NodeAttribute.Int("to", (long)DataType.Int32));

        var cache = RotaryCache.Create(config, options.ContextLength);
        long[] cacheShape = [cache.PositionCount, cache.HalfDim];
        string cos = graph.Initializer("model.rotary.cos_cache", activation, cacheShape, writer => FloatTensorEncoding.Write(writer, cache.Cos, activation));
        string sin = graph.Initializer("model.rotary.sin_cache", activation, cacheShape, writer => FloatTensorEncoding.Write(writer, cache.Sin, activation));

        string? positionIds = null;
        if (!fusedRotary)
        {
            // position of new token i = (valid tokens including this step) - sequence_length + i.
            string zero = graph.Int64Constant($"{prefix}/Zero", [0], scalar: true);
            string sequenceLength = graph.Op("Gather", $"{prefix}/SequenceLength",
                [graph.Op("Shape", $"{prefix}/InputIdsShape", [GraphContract.InputIds]), one], NodeAttribute.Int("axis", 0));
            string validColumn = graph.Op("ReduceSum", $"{prefix}/ValidCountColumn", [GraphContract.AttentionMask, axisOne], NodeAttribute.Int("keepdims", 1));
            string firstPosition = graph.Op("Sub", $"{prefix}/FirstPosition", [validColumn, sequenceLength]);
            string offsets = graph.Op("Range", $"{prefix}/Offsets", [zero, sequenceLength, one]);
            positionIds = graph.Op("Add", $"{prefix}/PositionIds", [firstPosition, offsets]);
        }

        return new AttentionInputs(seqlensK, totalLength, cos, sin, positionIds);
    }

    private string EmitAttention(int layer, string hidden, AttentionInputs inputs)
    {
        string prefix = $"model.layers.{layer}/attn";
        (string query, string key, string value) = options.Target == GraphTarget.DirectML
            ? EmitSeparateQkv(layer, hidden)
            : (EmitPackedQkv(layer, prefix, hidden), string.Empty, string.Empty);
        bool separate = options.Target == GraphTarget.DirectML;
        if (config.HasQkNorm || !fusedRotary)
        {
            // Per-head work on q and k needs them apart; otherwise GroupQueryAttention takes the packed q|k|v.
            if (!separate)
            {
                long querySize = (long)config.HeadCount * config.HeadDim;
                long kvSize = (long)config.KvHeadCount * config.HeadDim;
                string[] parts = [$"{prefix}/q", $"{prefix}/k", $"{prefix}/v"];
                graph.Node("Split", $"{prefix}/qkv_split", [query, graph.Int64Constant($"{prefix}/qkv_split/sizes", [querySize, kvSize, kvSize])], parts,
                    string.Empty, NodeAttribute.Int("axis", -1));
                (query, key, value) = (parts[0], parts[1], parts[2]);
            }

            if (config.HasQkNorm)
            {
                query = HeadNorm($"{prefix}/q_norm", query, HuggingFaceLayout.Layer(layer, "self_attn.q_norm.weight"));
                key = HeadNorm($"{prefix}/k_norm", key, HuggingFaceLayout.Layer(layer, "self_attn.k_norm.weight"));
            }

            if (!fusedRotary)
            {
                query = Rotate($"{prefix}/q_rotary", query, config.HeadCount, inputs);
                key = Rotate($"{prefix}/k_rotary", key, config.KvHeadCount, inputs);
            }
        }

        string attentionOutput = EmitGroupQueryAttention(layer, prefix, query, key, value, inputs);
        string outputName = HuggingFaceLayout.Layer(layer, "self_attn.o_proj.weight");
        string output = encoder.Linear(graph, attentionOutput, Linear(HuggingFaceLayout.Layer(layer, "self_attn.o_proj"), outputName));
        Release(outputName);
        return output;
    }

    /// <summary>One linear over q|k|v stacked along the output features, plus the stacked bias where the family has one.</summary>
    private string EmitPackedQkv(int layer, string prefix, string hidden)
    {
        string[] projections = ["q_proj", "k_proj", "v_proj"];
        string[] weightNames = projections.Select(projection => HuggingFaceLayout.Layer(layer, $"self_attn.{projection}.weight")).ToArray();
        string qkv = encoder.Linear(graph, hidden, Linear(HuggingFaceLayout.Layer(layer, "self_attn.qkv_proj"), weightNames));
        ReleaseAll(weightNames);
        if (!config.HasQkvBias)
        {
            return qkv;
        }

        string[] biasNames = projections.Select(projection => HuggingFaceLayout.Layer(layer, $"self_attn.{projection}.bias")).ToArray();
        string bias = graph.Initializer(HuggingFaceLayout.Layer(layer, "self_attn.qkv_proj.bias"), activation,
            [((long)config.HeadCount + (2L * config.KvHeadCount)) * config.HeadDim],
            writer =>
            {
                foreach (string name in biasNames)
                {
                    FloatTensorEncoding.Write(writer, checkpoint.GetTensor(name).ToFloatArray(), activation);
                }
            });
        ReleaseAll(biasNames);
        return graph.Op("Add", $"{prefix}/qkv_bias", [qkv, bias]);
    }

    /// <summary>q, k and v as three linears, each with its bias where the family has one (the DirectML layout).</summary>
    private (string Query, string Key, string Value) EmitSeparateQkv(int layer, string hidden)
    {
        string Projection(string projection)
        {
            string output = LinearFromCheckpoint(hidden, layer, $"self_attn.{projection}");
            if (!config.HasQkvBias)
            {
                return output;
            }

            string biasName = HuggingFaceLayout.Layer(layer, $"self_attn.{projection}.bias");
            TensorView tensor = checkpoint.GetTensor(biasName);
            string bias = graph.Initializer(biasName, activation, [tensor.ElementCount], writer => FloatTensorEncoding.Write(writer, tensor.ToFloatArray(), activation));
            Release(biasName);
            return graph.Op("Add", $"model.layers.{layer}/attn/{projection}/bias", [output, bias]);
        }

        return (Projection("q_proj"), Projection("k_proj"), Projection("v_proj"));
    }

    /// <summary>GroupQueryAttention writing present.{layer}.key/value; rotates q and k itself when the rotary is fused.</summary>
    private string EmitGroupQueryAttention(int layer, string prefix, string query, string key, string value, AttentionInputs inputs)
    {
        List<string> attentionInputs = [query, key, value, LayerName(GraphContract.PastKeyFormat, layer), LayerName(GraphContract.PastValueFormat, layer), inputs.SeqlensK, inputs.TotalSequenceLength];
        var attributes = new List<AttributeProto>
        {
            NodeAttribute.Int("num_heads", config.HeadCount),
            NodeAttribute.Int("kv_num_heads", config.KvHeadCount),
            NodeAttribute.Int("do_rotary", fusedRotary ? 1 : 0),
        };
        if (fusedRotary)
        {
            attentionInputs.Add(inputs.CosCache);
            attentionInputs.Add(inputs.SinCache);
            attributes.Add(NodeAttribute.Int("rotary_interleaved", 0));
        }

        return graph.Node("GroupQueryAttention", $"{prefix}/GroupQueryAttention", attentionInputs,
            [$"{prefix}/GroupQueryAttention/output_0", LayerName(GraphContract.PresentKeyFormat, layer), LayerName(GraphContract.PresentValueFormat, layer)],
            GraphBuilder.MicrosoftDomain, [.. attributes])[0];
    }

    private string EmitMlp(int layer, string hidden)
    {
        string prefix = $"model.layers.{layer}/mlp";
        string gate = LinearFromCheckpoint(hidden, layer, "mlp.gate_proj");
        string up = LinearFromCheckpoint(hidden, layer, "mlp.up_proj");
        string silu = graph.Op("Mul", $"{prefix}/act_fn/Mul", [gate, graph.Op("Sigmoid", $"{prefix}/act_fn/Sigmoid", [gate])]);
        string product = graph.Op("Mul", $"{prefix}/Mul", [silu, up]);
        return LinearFromCheckpoint(product, layer, "mlp.down_proj");
    }

    private string LinearFromCheckpoint(string input, int layer, string module)
    {
        string tensor = HuggingFaceLayout.Layer(layer, $"{module}.weight");
        string output = encoder.Linear(graph, input, Linear(HuggingFaceLayout.Layer(layer, module), tensor));
        Release(tensor);
        return output;
    }

    private (string Output, string Sum) SkipNorm(string name, string input, string skip, string weightName)
    {
        string sum = $"{name}/input_skip_bias_sum";
        IReadOnlyList<string> outputs = graph.Node("SkipSimplifiedLayerNormalization", name, [input, skip, NormWeight(weightName)],
            [$"{name}/output_0", string.Empty, string.Empty, sum], GraphBuilder.MicrosoftDomain,
            NodeAttribute.Float("epsilon", (float)config.RmsNormEps));
        return (outputs[0], sum);
    }

    /// <summary>RMS norm over each head: [batch, seq, heads*head_dim] → [.., heads, head_dim] → norm → back.</summary>
    private string HeadNorm(string name, string input, string weightName)
    {
        string perHead = graph.Op("Reshape", $"{name}/SplitHeads", [input, graph.Int64Constant($"{name}/HeadShape", [0, 0, -1, config.HeadDim])]);
        string normed = graph.Op("SimplifiedLayerNormalization", $"{name}/SimplifiedLayerNormalization", [perHead, NormWeight(weightName)],
            NodeAttribute.Int("axis", -1), NodeAttribute.Float("epsilon", (float)config.RmsNormEps), NodeAttribute.Int("stash_type", 1));
        return graph.Op("Reshape", $"{name}/MergeHeads", [normed, graph.Int64Constant($"{name}/MergedShape", [0, 0, -1])]);
    }

    private string Rotate(string name, string input, int headCount, AttentionInputs inputs)
        => graph.MicrosoftOp("RotaryEmbedding", name, [input, inputs.PositionIds!, inputs.CosCache, inputs.SinCache],
            NodeAttribute.Int("interleaved", 0), NodeAttribute.Int("num_heads", headCount));

    /// <summary>A norm weight in the activation type (fp32; fp16 for DirectML).</summary>
    private string NormWeight(string tensorName)
    {
        TensorView tensor = checkpoint.GetTensor(tensorName);
        string name = graph.Initializer(tensorName, activation, [tensor.ElementCount],
            writer => FloatTensorEncoding.Write(writer, tensor.ToFloatArray(), activation));
        Release(tensorName);
        return name;
    }

    private LinearWeight Linear(string name, params string[] tensorNames)
        => new(name, tensorNames.Select(checkpoint.GetTensor).ToArray());

    private void Release(string tensorName)
    {
        checkpoint.Release(tensorName);
        progress.Finished(tensorName);
    }

    private void ReleaseAll(IEnumerable<string> tensorNames)
    {
        foreach (string name in tensorNames)
        {
            Release(name);
        }
    }

    private sealed record AttentionInputs(string SeqlensK, string TotalSequenceLength, string CosCache, string SinCache, string? PositionIds);
}

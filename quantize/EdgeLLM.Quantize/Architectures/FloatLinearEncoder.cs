using EdgeLLM.Quantize.Onnx;
using DataType = EdgeLLM.Quantize.Onnx.Proto.TensorProto.Types.DataType;

namespace EdgeLLM.Quantize.Architectures;

/// <summary>
/// fp32 or fp16 weights. Linear layers are MatMul against Wᵀ stored <c>[in, out]</c>; fp16 weights are
/// cast to fp32 once (ORT folds the Cast of an initializer at load) so every op computes in fp32, which
/// is what the CPU kernels (GroupQueryAttention included) support. The embedding is Gather; with tied
/// embeddings lm_head is a Gemm with transB against the same single stored copy. For a graph that computes
/// in fp16 (the DirectML target) weights are cast to fp16 instead.
/// </summary>
internal sealed class FloatLinearEncoder : ILinearWeightEncoder
{
    private readonly DataType storage;
    private readonly DataType activation;
    private string? embeddingInitializer;

    /// <param name="storage">How the weights are stored.</param>
    /// <param name="activation">The type the graph computes in (Float, or Float16 for DirectML).</param>
    public FloatLinearEncoder(DataType storage, DataType activation = DataType.Float)
    {
        if (storage is not (DataType.Float or DataType.Float16))
        {
            throw new ArgumentOutOfRangeException(nameof(storage), storage, "float weights are stored as Float or Float16");
        }

        this.storage = storage;
        this.activation = activation;
    }

    public string Precision => storage == DataType.Float ? "fp32" : "fp16";

    public IReadOnlyList<Quantizers.QuantizedTensor> Quantized => [];

    public string Linear(GraphBuilder graph, string input, LinearWeight weight, string? output = null)
    {
        string name = $"{weight.Name}/MatMul";
        string stored = graph.Initializer($"{weight.Name}.MatMul.weight", storage, [weight.InFeatures, weight.OutFeatures],
            writer => weight.WriteTransposed(writer, storage));
        string matrix = AsFloat(graph, stored, $"{weight.Name}/Cast");
        return graph.Node("MatMul", name, [input, matrix], [output ?? $"{name}/output_0"])[0];
    }

    public string Embedding(GraphBuilder graph, string inputIds, LinearWeight embedding)
    {
        embeddingInitializer = graph.Initializer($"{embedding.Name}.weight", storage, [embedding.OutFeatures, embedding.InFeatures],
            writer => embedding.WriteRows(writer, storage));
        string gathered = graph.Op("Gather", $"{embedding.Name}/Gather", [embeddingInitializer, inputIds]);
        return AsFloat(graph, gathered, $"{embedding.Name}/Cast");
    }

    public string TiedLmHead(GraphBuilder graph, string input, LinearWeight embedding, string output)
    {
        string stored = embeddingInitializer ?? throw new InvalidOperationException("TiedLmHead needs the embedding emitted first");
        string matrix = AsFloat(graph, stored, "lm_head/CastEmbedding");

        // Gemm is 2-D: [batch, seq, hidden] → [batch*seq, hidden] → Gemm(transB) → [batch*seq, vocab] → [batch, seq, vocab].
        string flat = graph.Op("Reshape", "lm_head/Flatten", [input, graph.Int64Constant("lm_head/FlatShape", [-1, embedding.InFeatures])]);
        string logits = graph.Op("Gemm", "lm_head/Gemm", [flat, matrix], NodeAttribute.Int("transB", 1));
        string leading = graph.Op("Shape", "lm_head/LeadingShape", [input], NodeAttribute.Int("end", -1));
        string shape = graph.Op("Concat", "lm_head/LogitsShape", [leading, graph.Int64Constant("lm_head/Vocab", [embedding.OutFeatures])], NodeAttribute.Int("axis", 0));
        return graph.Node("Reshape", "lm_head/Reshape", [logits, shape], [output])[0];
    }

    private string AsFloat(GraphBuilder graph, string value, string castName)
        => storage == activation ? value : graph.Op("Cast", castName, [value], NodeAttribute.Int("to", (long)activation));
}

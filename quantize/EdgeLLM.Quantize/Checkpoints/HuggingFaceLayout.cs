namespace EdgeLLM.Quantize.Checkpoints;

/// <summary>
/// The Hugging Face tensor names and shapes a decoder checkpoint of a given configuration holds
/// (LlamaForCausalLM, Qwen2ForCausalLM, Qwen3ForCausalLM), in the order the checkpoints list them.
/// </summary>
public static class HuggingFaceLayout
{
    public const string Embedding = "model.embed_tokens.weight";
    public const string FinalNorm = "model.norm.weight";
    public const string LmHead = "lm_head.weight";

    public static string Layer(int layer, string suffix) => $"model.layers.{layer}.{suffix}";

    /// <summary>Every tensor (name and shape) the configuration implies; no lm_head when embeddings are tied.</summary>
    public static IReadOnlyList<(string Name, long[] Shape)> Tensors(ModelConfig config)
    {
        long hidden = config.HiddenSize;
        long qSize = (long)config.HeadCount * config.HeadDim;
        long kvSize = (long)config.KvHeadCount * config.HeadDim;
        long intermediate = config.IntermediateSize;
        var tensors = new List<(string, long[])> { (Embedding, [config.VocabSize, hidden]) };
        for (int layer = 0; layer < config.LayerCount; layer++)
        {
            tensors.Add((Layer(layer, "input_layernorm.weight"), [hidden]));
            tensors.Add((Layer(layer, "self_attn.q_proj.weight"), [qSize, hidden]));
            tensors.Add((Layer(layer, "self_attn.k_proj.weight"), [kvSize, hidden]));
            tensors.Add((Layer(layer, "self_attn.v_proj.weight"), [kvSize, hidden]));
            if (config.HasQkvBias)
            {
                tensors.Add((Layer(layer, "self_attn.q_proj.bias"), [qSize]));
                tensors.Add((Layer(layer, "self_attn.k_proj.bias"), [kvSize]));
                tensors.Add((Layer(layer, "self_attn.v_proj.bias"), [kvSize]));
            }

            if (config.HasQkNorm)
            {
                tensors.Add((Layer(layer, "self_attn.q_norm.weight"), [config.HeadDim]));
                tensors.Add((Layer(layer, "self_attn.k_norm.weight"), [config.HeadDim]));
            }

            tensors.Add((Layer(layer, "self_attn.o_proj.weight"), [hidden, qSize]));
            tensors.Add((Layer(layer, "post_attention_layernorm.weight"), [hidden]));
            tensors.Add((Layer(layer, "mlp.gate_proj.weight"), [intermediate, hidden]));
            tensors.Add((Layer(layer, "mlp.up_proj.weight"), [intermediate, hidden]));
            tensors.Add((Layer(layer, "mlp.down_proj.weight"), [hidden, intermediate]));
        }

        tensors.Add((FinalNorm, [hidden]));
        if (!config.TieWordEmbeddings)
        {
            tensors.Add((LmHead, [config.VocabSize, hidden]));
        }

        return tensors;
    }
}

using EdgeLLM.Format;
using EdgeLLM.Quantize.Gguf;
using EdgeLLM.Quantize.Tests.Architectures;

namespace EdgeLLM.Quantize.Tests.Gguf;

/// <summary>
/// What our GGUF files say, read back with an independent reader: GGUF v3, every tensor at a 32-byte
/// aligned offset, llama.cpp's tensor names and types, and the tokenizer metadata convert_hf_to_gguf.py
/// derives for each tokenizer (pre-tokenizer name, special ids, add_bos, token types).
/// </summary>
[Collection(nameof(LlamaCppCollection))]
public sealed class GgufMetadataTests(ExportedTinyModels models)
{
    [Theory]
    [InlineData(TinyModels.Qwen2, "qwen2", "deepseek-r1-qwen", 151646, 151643, 151643, true)]
    [InlineData(TinyModels.Llama31, "llama", "llama-bpe", 128000, 128009, null, true)]
    [InlineData(TinyModels.Qwen3, "qwen3", "qwen2", 151643, 151645, 151643, false)]
    public void TokenizerMetadataIsWhatTheConverterWrites(string model, string architecture, string pre, int bos, int eos, int? pad, bool addBos)
    {
        GgufFile file = GgufFile.Read(models.Path(model, GgufExportType.F16));

        Assert.Equal(3u, file.Version);
        Assert.Equal(architecture, file.Metadata["general.architecture"]);
        Assert.Equal("gpt2", file.Metadata["tokenizer.ggml.model"]);
        Assert.Equal(pre, file.Metadata["tokenizer.ggml.pre"]);
        Assert.Equal((uint)bos, file.Metadata["tokenizer.ggml.bos_token_id"]);
        Assert.Equal((uint)eos, file.Metadata["tokenizer.ggml.eos_token_id"]);
        Assert.Equal(pad.HasValue ? (uint?)pad : null, file.Metadata.TryGetValue("tokenizer.ggml.padding_token_id", out object? padding) ? (uint)padding : null);
        Assert.Equal(addBos, file.Metadata.TryGetValue("tokenizer.ggml.add_bos_token", out object? flag) && (bool)flag);
        var tokens = (List<object>)file.Metadata["tokenizer.ggml.tokens"];
        var types = (List<object>)file.Metadata["tokenizer.ggml.token_type"];
        Assert.Equal(models.ExpectedVocabularySize(model), tokens.Count);
        Assert.Equal(tokens.Count, types.Count);
        Assert.NotEmpty((List<object>)file.Metadata["tokenizer.ggml.merges"]);
        Assert.False(string.IsNullOrEmpty((string)file.Metadata["tokenizer.chat_template"]));
        Assert.Equal(3, types[eos]); // CONTROL
        Assert.Equal(1, types[100]); // NORMAL
    }

    [Fact]
    public void YarnModelCarriesTheConvertersRopeScalingKeysAndOnlyYarnModelsDo()
    {
        GgufFile yarn = GgufFile.Read(models.Path(TinyModels.Qwen3Yarn, GgufExportType.F16));
        Assert.Equal("yarn", yarn.Metadata["qwen3.rope.scaling.type"]);
        Assert.Equal(4.0f, yarn.Metadata["qwen3.rope.scaling.factor"]);
        Assert.Equal(32768u, yarn.Metadata["qwen3.rope.scaling.original_context_length"]);
        Assert.Equal(131072u, yarn.Metadata["qwen3.context_length"]);
        Assert.DoesNotContain(yarn.Keys, key => key.Contains("yarn_attn_factor", StringComparison.Ordinal));

        GgufFile plain = GgufFile.Read(models.Path(TinyModels.Qwen3, GgufExportType.F16));
        Assert.DoesNotContain(plain.Keys, key => key.Contains("rope.scaling", StringComparison.Ordinal));
    }

    [Fact]
    public void R1TokenTypesFollowTheConvertersRules()
    {
        GgufFile file = GgufFile.Read(models.Path(TinyModels.Qwen2, GgufExportType.F16));
        var tokens = (List<object>)file.Metadata["tokenizer.ggml.tokens"];
        var types = (List<object>)file.Metadata["tokenizer.ggml.token_type"];

        Assert.Equal(("<think>", 4), ((string)tokens[151648], (int)types[151648]));           // added, not special: USER_DEFINED
        Assert.Equal(("<|fim_prefix|>", 3), ((string)tokens[151659], (int)types[151659]));    // not special but looks special: CONTROL
        Assert.Equal(("<tool_call>", 4), ((string)tokens[151657], (int)types[151657]));
        Assert.Equal(("[PAD151665]", 5), ((string)tokens[151665], (int)types[151665]));       // beyond the tokenizer: UNUSED
        Assert.Equal(false, file.Metadata["tokenizer.ggml.add_sep_token"]);
        Assert.Equal(false, file.Metadata["tokenizer.ggml.add_eos_token"]);
    }

    [Theory]
    [InlineData(GgufExportType.F16)]
    [InlineData(GgufExportType.Q8_0)]
    [InlineData(GgufExportType.Q4_0)]
    public void TensorsAreAlignedNamedAndTypedAsLlamaCppExpects(GgufExportType type)
    {
        foreach (string model in TinyModels.All)
        {
            GgufFile file = GgufFile.Read(models.Path(model, type));
            Assert.Equal(32u, file.Metadata[GgufWriter.AlignmentKey]);
            Assert.Equal(type.FileType(), file.Metadata["general.file_type"]);
            Assert.All(file.Tensors, tensor => Assert.Equal(0, tensor.FileOffset % GgufWriter.Alignment));
            Assert.All(file.Tensors.Where(tensor => tensor.Dimensions.Length == 1), tensor => Assert.Equal(GgmlType.F32, (GgmlType)tensor.Type.Value));
            bool tied = !file.Tensors.Any(tensor => tensor.Name == GgufTensorNames.Output);
            string outputProjection = tied ? GgufTensorNames.TokenEmbedding : GgufTensorNames.Output;
            Assert.Equal(type.MatrixType(isOutputProjection: true), (GgmlType)file.Tensor(outputProjection).Type.Value);
            Assert.Equal(type.MatrixType(isOutputProjection: false), (GgmlType)file.Tensor("blk.1.ffn_down.weight").Type.Value);
            Assert.Equal(model == TinyModels.Llama31, file.Tensors.Any(tensor => tensor.Name == GgufTensorNames.RopeFrequencies));
            Assert.Equal(model == TinyModels.Qwen2, file.Tensors.Any(tensor => tensor.Name == "blk.0.attn_q.bias"));
            Assert.Equal(model == TinyModels.Qwen3, file.Tensors.Any(tensor => tensor.Name == "blk.0.attn_k_norm.weight"));
        }
    }

    [Theory]
    [InlineData("model.embed_tokens.weight", "token_embd.weight")]
    [InlineData("lm_head.weight", "output.weight")]
    [InlineData("model.norm.weight", "output_norm.weight")]
    [InlineData("model.layers.0.input_layernorm.weight", "blk.0.attn_norm.weight")]
    [InlineData("model.layers.27.self_attn.q_proj.bias", "blk.27.attn_q.bias")]
    [InlineData("model.layers.3.self_attn.o_proj.weight", "blk.3.attn_output.weight")]
    [InlineData("model.layers.3.self_attn.k_norm.weight", "blk.3.attn_k_norm.weight")]
    [InlineData("model.layers.3.post_attention_layernorm.weight", "blk.3.ffn_norm.weight")]
    [InlineData("model.layers.12.mlp.down_proj.weight", "blk.12.ffn_down.weight")]
    public void HuggingFaceNamesMapToLlamaCppNames(string huggingFace, string gguf)
        => Assert.Equal(gguf, GgufTensorNames.FromHuggingFace(huggingFace));

    [Fact]
    public void AnUnknownTensorIsRefusedByName()
    {
        var error = Assert.Throws<EdgeLlmException>(() => GgufTensorNames.FromHuggingFace("model.layers.0.mlp.experts.0.weight"));
        Assert.Contains("model.layers.0.mlp.experts.0.weight", error.Message, StringComparison.Ordinal);
    }
}

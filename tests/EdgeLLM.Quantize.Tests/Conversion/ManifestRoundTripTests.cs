using System.Text.Json;
using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Format;
using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Quantize.Tests.Architectures;

namespace EdgeLLM.Quantize.Tests.Conversion;

/// <summary>
/// What the converter writes into edgellm.json, EdgeLLM.Format's one reader reads back: the record the runtime,
/// the planner and the kit writer all use agrees with the checkpoint's config and with the JSON as written.
/// </summary>
[Collection(ConvertedModelsCollection.Name)]
public sealed class ManifestRoundTripTests(ConvertedModels models)
{
    [Theory]
    [InlineData(TinyModels.Qwen2)]
    [InlineData(TinyModels.Llama31)]
    [InlineData(TinyModels.Qwen3)]
    public void Int4Manifest_ReadsBackTheConfigAndTheQuantizationSection(string model)
    {
        ModelConfig config = TinyModels.Config(model);
        string folder = models.Get(model, WeightPrecision.Int4);

        ModelManifestInfo manifest = ModelManifestReader.Read(folder);

        Assert.Equal((config.LayerCount, config.HiddenSize, config.IntermediateSize, config.HeadCount, config.KvHeadCount, config.HeadDim, config.VocabSize, config.TieWordEmbeddings),
            (manifest.LayerCount, manifest.HiddenSize, manifest.IntermediateSize, manifest.HeadCount, manifest.KvHeadCount, manifest.HeadDim, manifest.VocabSize, manifest.TiedEmbeddings));
        Assert.Equal(WeightPrecision.Int4, manifest.Weights);
        Assert.Equal("int4", manifest.Precision);
        using JsonDocument written = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, ModelManifest.FileName)));
        JsonElement quantization = written.RootElement.GetProperty("quantization");
        ManifestQuantization read = Assert.IsType<ManifestQuantization>(manifest.Quantization);
        Assert.Equal(quantization.GetProperty("block_size").GetInt32(), read.BlockSize);
        Assert.Equal(quantization.GetProperty("mlp_block_size").GetInt32(), read.MlpBlockSize);
        Assert.Equal(WeightPrecisions.Parse(quantization.GetProperty("lm_head").GetString()!), read.LmHead);
        Assert.Equal(quantization.TryGetProperty("lm_head_block_size", out JsonElement lmHeadBlock) ? lmHeadBlock.GetInt32() : null, read.LmHeadBlockSize);
        string embeddings = quantization.GetProperty("embeddings").GetString()!;
        Assert.Equal(embeddings == "tied" ? null : WeightPrecisions.Parse(embeddings), read.Embeddings);
        Assert.Equal(written.RootElement.GetProperty("weights_bytes").GetInt64(), manifest.WeightBytes);
        Assert.Equal(new FileInfo(Path.Combine(folder, "model.onnx.data")).Length, manifest.WeightBytes);
    }

    [Fact]
    public void Fp16Manifest_HasNoQuantizationSection()
    {
        ModelManifestInfo manifest = ModelManifestReader.Read(models.Get(TinyModels.Qwen2, WeightPrecision.Fp16));

        Assert.Equal(WeightPrecision.Fp16, manifest.Weights);
        Assert.Null(manifest.Quantization);
    }

    [Fact]
    public void UnknownPrecision_IsOneLineNamingTheFileAndTheField()
    {
        string folder = models.Get(TinyModels.Qwen2, WeightPrecision.Int4);
        string json = File.ReadAllText(Path.Combine(folder, ModelManifest.FileName)).Replace("\"lm_head\": \"int8\"", "\"lm_head\": \"nf4\"", StringComparison.Ordinal);

        var error = Assert.Throws<EdgeLlmException>(() => ModelManifestReader.Parse(json, "x/edgellm.json"));

        Assert.Equal("x/edgellm.json: 'lm_head' is 'nf4' (expected fp32, fp16, int4, int8)", error.Message);
    }
}

using EdgeLLM.Devices.Planning;
using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Format;
using EdgeLLM.Tests.Shared;

namespace EdgeLLM.Devices.Tests.Planning;

/// <summary>The planner's footprint from edgellm.json as EdgeLLM.Format's one reader reads it.</summary>
public sealed class ManifestFootprintTests
{
    // edgellm.json as 'edgellm quantize' wrote it for the 1.5B int4 model (ModelManifest.Write; the
    // per-tensor errors and checksums cut short): dimensions under "model", weights_bytes = model.onnx.data,
    // lm_head quantized to int8 under "quantization", logits for the last position only. This is the format
    // from before the per-part block sizes: without mlp_block_size and lm_head_block_size the MLP and lm_head
    // keep block_size (32), though 'edgellm quantize' now writes both (lm_head int8 in blocks of 256 by
    // default; see the per-part test below).
    private const string Qwen15BManifest = """
        {
          "format_version": 1,
          "tool": { "name": "edgellm", "version": "0.1.0" },
          "source": { "path": "/models/r1-distill-qwen-1.5b-hf", "architecture": "qwen2", "torch_dtype": "bfloat16", "files": [] },
          "precision": "int4",
          "max_context": 131072,
          "logits": "last",
          "rotary": "fused",
          "model": {
            "layers": 28, "hidden_size": 1536, "intermediate_size": 8960, "heads": 12, "kv_heads": 2,
            "head_dim": 128, "vocab_size": 151936, "tied_embeddings": false
          },
          "quantization": {
            "bits": 4, "block_size": 32, "symmetric": true, "scales": "search", "lm_head": "int8", "embeddings": "fp32",
            "accuracy_level": 4, "tensors": [{ "name": "model.layers.0.self_attn.qkv_proj", "bits": 4, "block_size": 32 }]
          },
          "weights_bytes": 1898805248,
          "files": [
            { "name": "model.onnx", "bytes": 161217, "xxh3_128": "00" },
            { "name": "model.onnx.data", "bytes": 1898805248, "xxh3_128": "00" },
            { "name": "tokenizer.json", "bytes": 5969497, "xxh3_128": "00" }
          ]
        }
        """;

    [Fact]
    public void ConverterManifest_GivesTheFootprint()
    {
        ModelFootprint footprint = Footprint(Qwen15BManifest, "edgellm.json", "DeepSeek-R1-Distill-Qwen-1.5B-int4");

        Assert.Equal(
            ModelShapes.Qwen15BInt4 with { LmHeadPrecision = WeightPrecision.Int8, EmbeddingPrecision = WeightPrecision.Fp32, LastPositionLogitsOnly = true },
            footprint);
    }

    [Fact]
    public void ConverterManifest_WithABlockSizePerPart_GivesEachPartsBlockSize()
    {
        // As 'edgellm quantize' now writes it with MLP blocks of 64 and lm_head blocks of 256: mlp_block_size
        // after "scales", lm_head_block_size after "lm_head"; weights_bytes as ModelShapes derives it.
        string manifest = Qwen15BManifest
            .Replace("\"scales\": \"search\",", "\"scales\": \"search\", \"mlp_block_size\": 64,", StringComparison.Ordinal)
            .Replace("\"lm_head\": \"int8\",", "\"lm_head\": \"int8\", \"lm_head_block_size\": 256,", StringComparison.Ordinal)
            .Replace("1898805248", "1917713408", StringComparison.Ordinal);

        ModelFootprint footprint = Footprint(manifest, "edgellm.json", "DeepSeek-R1-Distill-Qwen-1.5B-int4");

        Assert.Equal(64, footprint.MlpBlockSize);
        Assert.Equal(256, footprint.LmHeadBlockSize);
        Assert.Equal(32, footprint.QuantizationBlockSize);
        Assert.Equal(ModelShapes.Qwen15BMixedBlocks with { LastPositionLogitsOnly = true }, footprint);
    }

    [Fact]
    public void ManifestNotWrittenByEdgeLLM_IsRefusedNamingTheFile()
    {
        // Hugging Face names one level down (an earlier tolerant reader guessed these): one reader, one format.
        const string manifest = """
            {
              "precision": "q4_block32",
              "weight_bytes": 6600251392,
              "config": {
                "num_hidden_layers": 28, "num_attention_heads": 28, "num_key_value_heads": 4, "head_dim": 128,
                "hidden_size": 3584, "intermediate_size": 18944, "vocab_size": 152064, "max_position_embeddings": 131072
              }
            }
            """;

        var error = Assert.Throws<EdgeLlmException>(() => Footprint(manifest, "models/x/edgellm.json", "x"));

        Assert.Equal("models/x/edgellm.json: missing 'format_version'", error.Message);
    }

    [Fact]
    public void MissingField_IsOneLineNamingFileAndField()
    {
        string manifest = Qwen15BManifest.Replace("\"kv_heads\": 2,", string.Empty, StringComparison.Ordinal);

        var error = Assert.Throws<EdgeLlmException>(() => Footprint(manifest, "models/x/edgellm.json", "x"));

        Assert.Equal("models/x/edgellm.json: missing 'kv_heads'", error.Message);
    }

    [Fact]
    public void UnknownPrecision_IsRefused()
    {
        string manifest = Qwen15BManifest.Replace("\"int4\"", "\"nf3\"", StringComparison.Ordinal);

        var error = Assert.Throws<EdgeLlmException>(() => Footprint(manifest, "edgellm.json", "x"));

        Assert.Equal("edgellm.json: 'precision' is 'nf3' (expected fp32, fp16, int4, int8)", error.Message);
    }

    [Fact]
    public void Folder_WithoutManifest_SaysWhatToDo()
    {
        using TempFolder folder = TestPaths.CreateTemp();

        var error = Assert.Throws<FileNotFoundException>(() => ModelFootprint.Read(folder.Path));

        Assert.Equal($"'{folder.Path}' has no edgellm.json: not an EdgeLLM model folder (convert one with 'edgellm quantize')", error.Message);
    }

    [Fact]
    public void Folder_WithManifest_UsesTheFolderNameWhenTheManifestHasNone()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string folder = Path.Combine(temp.Path, "r1-qwen-1.5b-int4");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, ModelManifest.FileName), Qwen15BManifest.Replace("\"name\": \"DeepSeek-R1-Distill-Qwen-1.5B-int4\",", string.Empty, StringComparison.Ordinal));

        Assert.Equal("r1-qwen-1.5b-int4", ModelFootprint.Read(folder).Name);
    }

    private static ModelFootprint Footprint(string manifest, string path, string name) => ModelFootprint.Of(ModelManifestReader.Parse(manifest, path), name);
}

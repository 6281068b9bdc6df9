using EdgeLLM.Devices.Planning;
using EdgeLLM.Tests.Shared;

namespace EdgeLLM.Devices.Tests.Planning;

public sealed class ModelManifestReaderTests
{
    // The converter's manifest for the 1.5B int4 model: weights listed as files with sizes
    // (model.onnx.data holds every initializer; tokenizer.json is not a weight file).
    private const string Qwen15BManifest = """
        {
          "format_version": 1,
          "name": "DeepSeek-R1-Distill-Qwen-1.5B-int4",
          "architecture": "qwen2",
          "precision": "int4",
          "block_size": 32,
          "max_context": 131072,
          "layer_count": 28,
          "head_count": 12,
          "kv_head_count": 2,
          "head_dim": 128,
          "hidden_size": 1536,
          "intermediate_size": 8960,
          "vocab_size": 151936,
          "tie_word_embeddings": false,
          "files": [
            { "path": "model.onnx", "size": 412345 },
            { "path": "model.onnx.data", "size": 1898392903 },
            { "path": "tokenizer.json", "size": 7031645 }
          ]
        }
        """;

    [Fact]
    public void ConverterManifest_GivesTheFootprint()
    {
        ModelFootprint footprint = ModelManifestReader.Parse(Qwen15BManifest, "edgellm.json", "folder");

        Assert.Equal(ModelShapes.Qwen15BInt4 with { WeightBytes = 412_345 + 1_898_392_903 }, footprint);
    }

    [Fact]
    public void HuggingFaceNamesOneLevelDown_AreAccepted()
    {
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

        ModelFootprint footprint = ModelManifestReader.Parse(manifest, "edgellm.json", "DeepSeek-R1-Distill-Qwen-7B-int4");

        Assert.Equal(ModelShapes.Qwen7BInt4, footprint);
    }

    [Fact]
    public void MissingField_IsOneLineNamingFileAndAlternatives()
    {
        string manifest = Qwen15BManifest.Replace("\"kv_head_count\": 2,", string.Empty, StringComparison.Ordinal);

        var error = Assert.Throws<InvalidDataException>(() => ModelManifestReader.Parse(manifest, "models/x/edgellm.json", "x"));

        Assert.Equal("models/x/edgellm.json: missing 'kv_head_count' (also accepted: num_key_value_heads, kv_num_heads)", error.Message);
    }

    [Fact]
    public void UnknownPrecision_IsRefused()
    {
        string manifest = Qwen15BManifest.Replace("\"int4\"", "\"nf3\"", StringComparison.Ordinal);

        var error = Assert.Throws<InvalidDataException>(() => ModelManifestReader.Parse(manifest, "edgellm.json", "x"));

        Assert.Equal("edgellm.json: 'precision' is 'nf3' (expected int4, int8, fp16 or fp32)", error.Message);
    }

    [Fact]
    public void Folder_WithoutManifest_SaysWhatToDo()
    {
        using TempFolder folder = TestPaths.CreateTemp();

        var error = Assert.Throws<FileNotFoundException>(() => ModelManifestReader.Read(folder.Path));

        Assert.Contains("edgellm.json: model manifest not found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Folder_WithManifest_UsesTheFolderNameWhenTheManifestHasNone()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string folder = Path.Combine(temp.Path, "r1-qwen-1.5b-int4");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, ModelManifestReader.FileName), Qwen15BManifest.Replace("\"name\": \"DeepSeek-R1-Distill-Qwen-1.5B-int4\",", string.Empty, StringComparison.Ordinal));

        Assert.Equal("r1-qwen-1.5b-int4", ModelManifestReader.Read(folder).Name);
    }
}

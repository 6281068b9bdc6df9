using System.Buffers.Binary;
using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Quantize.Synthetic;

namespace EdgeLLM.Quantize.Tests.Checkpoints;

/// <summary>A very small Qwen2 checkpoint folder (vocab 64, hidden 16, one layer) for reader tests.</summary>
internal static class SmallCheckpoint
{
    public const string ConfigJson = """
        {"model_type": "qwen2", "hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1,
         "num_attention_heads": 2, "num_key_value_heads": 1, "vocab_size": 64, "eos_token_id": 3, "tie_word_embeddings": false}
        """;

    public static ModelConfig Config => ModelConfig.Parse(ConfigJson);

    public static IReadOnlyList<(string Name, long[] Shape)> Layout => HuggingFaceLayout.Tensors(Config);

    /// <summary>config.json plus recipe weights in bf16, sharded when <paramref name="shardBytes"/> is given.</summary>
    public static void WriteRecipe(string folder, long? shardBytes)
    {
        File.WriteAllText(Path.Combine(folder, "config.json"), ConfigJson);
        using var source = new SyntheticCheckpoint(Config, TensorDType.BF16);
        SafetensorsWriter.Write(source, Layout, TensorDType.BF16, folder, shardBytes, CancellationToken.None);
    }

    /// <summary>config.json plus one model.safetensors declaring exactly <paramref name="tensors"/> (F32, zero bytes).</summary>
    public static void WriteDeclared(string folder, IReadOnlyList<(string Name, long[] Shape)> tensors)
    {
        File.WriteAllText(Path.Combine(folder, "config.json"), ConfigJson);
        IReadOnlyList<SafetensorsEntry> entries = SafetensorsWriter.PlanShards(tensors, TensorDType.F32, null)[0];
        byte[] header = SafetensorsWriter.Header(entries);
        byte[] file = new byte[8 + header.Length + entries[^1].End];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)header.Length);
        header.CopyTo(file, 8);
        File.WriteAllBytes(Path.Combine(folder, CheckpointFolder.SingleFileName), file);
    }
}

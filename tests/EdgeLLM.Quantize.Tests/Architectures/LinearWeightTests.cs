using System.Runtime.InteropServices;
using EdgeLLM.Format;
using EdgeLLM.Quantize.Architectures;
using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Quantize.Onnx;
using EdgeLLM.Quantize.Synthetic;
using EdgeLLM.Tests.Shared;
using DataType = EdgeLLM.Quantize.Onnx.Proto.TensorProto.Types.DataType;

namespace EdgeLLM.Quantize.Tests.Architectures;

public sealed class LinearWeightTests
{
    /// <summary>q (300 rows) | k (150) | v (150) of hidden 5: tiles of 256 rows and blocks of columns both end ragged.</summary>
    private static readonly ModelConfig Config = TinyModels.Config(TinyModels.Qwen2) with { HiddenSize = 5, HeadCount = 2, KvHeadCount = 1, HeadDim = 150 };

    private static readonly string[] Parts = ["model.layers.0.self_attn.q_proj.weight", "model.layers.0.self_attn.k_proj.weight", "model.layers.0.self_attn.v_proj.weight"];

    [Fact]
    public void StacksPartsAlongOutputFeatures()
    {
        using var checkpoint = new SyntheticCheckpoint(Config, TensorDType.BF16);
        var weight = new LinearWeight("qkv", Parts.Select(checkpoint.GetTensor).ToArray());
        Assert.Equal(600, weight.OutFeatures);
        Assert.Equal(5, weight.InFeatures);
        var rows = new float[4 * 5];
        weight.ReadRows(298, 4, rows); // q rows 298-299, k rows 0-1
        Assert.Equal([.. Recipe(Parts[0], 298 * 5, 10), .. Recipe(Parts[1], 0, 10)], rows);
    }

    [Theory]
    [InlineData(false, 8L << 20)]
    [InlineData(false, 1200L)]
    [InlineData(true, 1L)]
    public void WritesTheExactTransposeInAnyBlockSize(bool half, long bufferElements)
    {
        DataType type = half ? DataType.Float16 : DataType.Float;
        using var checkpoint = new SyntheticCheckpoint(Config, TensorDType.F16);
        var weight = new LinearWeight("qkv", Parts.Select(checkpoint.GetTensor).ToArray());
        float[] stacked = [.. Recipe(Parts[0], 0, 1500), .. Recipe(Parts[1], 0, 750), .. Recipe(Parts[2], 0, 750)];
        using TempFolder temp = TestPaths.CreateTemp();
        string path = Path.Combine(temp.Path, "model.onnx.data");
        using (var writer = new ExternalDataWriter(path))
        {
            writer.BeginTensor(3000L * GraphBuilder.ElementSize(type));
            weight.WriteTransposed(writer, type, bufferElements);
            writer.EndTensor();
        }

        byte[] bytes = File.ReadAllBytes(path);
        float[] written = type == DataType.Float
            ? MemoryMarshal.Cast<byte, float>(bytes).ToArray()
            : MemoryMarshal.Cast<byte, Half>(bytes).ToArray().Select(half => (float)half).ToArray();
        for (int column = 0; column < 5; column++)
        {
            for (int row = 0; row < 600; row++)
            {
                Assert.Equal(stacked[(row * 5) + column], written[(column * 600) + row]);
            }
        }
    }

    [Fact]
    public void RefusesPartsThatDoNotStack()
    {
        using var checkpoint = new SyntheticCheckpoint(Config, TensorDType.BF16);
        Assert.Throws<EdgeLlmException>(() => new LinearWeight("bad", checkpoint.GetTensor(Parts[0]), checkpoint.GetTensor("model.layers.0.mlp.down_proj.weight")));
    }

    private static float[] Recipe(string name, long first, int count)
    {
        var values = new float[count];
        WeightRecipe.Fill(name, first, values);
        return values;
    }
}

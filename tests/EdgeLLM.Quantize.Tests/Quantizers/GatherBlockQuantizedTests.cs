using EdgeLLM.Quantize.Onnx.Proto;
using EdgeLLM.Quantize.Quantizers;

namespace EdgeLLM.Quantize.Tests.Quantizers;

/// <summary>
/// Tied embeddings keep one copy of the shared weights: the lm_head's MatMulNBits B initializer
/// [N, k_blocks, blob_size] itself, gathered by ONNX Runtime's com.microsoft GatherBlockQuantized with
/// quantize_axis 2 (scales through a Reshape to [N, k_blocks, 1], zero points from
/// <see cref="QuantizedTensor.GatherZeroPoints"/>), must give the rows the independent
/// <see cref="ReferenceDequantizer"/> reads. MatMulNBits itself insists on B [N, k_blocks, blob_size]
/// and scales [N, k_blocks] (or flat), so this is the only sharing both operators accept.
/// </summary>
public sealed class GatherBlockQuantizedTests
{
    [Theory]
    [InlineData(4, false, 32)]
    [InlineData(4, true, 32)]
    [InlineData(4, false, 128)]
    [InlineData(8, false, 32)]
    [InlineData(8, true, 64)]
    public void OnnxRuntimeGathersRowsOfOurPackedWeights(int bits, bool asymmetric, int blockSize)
    {
        const int rowCount = 50;
        const int columnCount = 256;
        var matrix = QuantizedMatrix.Of(TestWeights.Normal(rowCount * columnCount, seed: 21), rowCount, columnCount, new BlockQuantizationOptions(bits, blockSize, asymmetric, ScaleChoice.Search));
        MatMulNBitsLayout layout = matrix.Layout;
        float[] dequantized = matrix.Dequantized();
        byte[]? gatherZeroPoints = matrix.Tensor.GatherZeroPoints();

        long[] ids = [0, 49, 7, 7, 23];
        var model = new OnnxTestModel()
            .Input("ids", TensorProto.Types.DataType.Int64, ids.Length)
            .Initializer("weights", TensorProto.Types.DataType.Uint8, layout.PackedShape, matrix.Packed)
            .Initializer("scales", TensorProto.Types.DataType.Float, layout.ScaleShape, System.Runtime.InteropServices.MemoryMarshal.AsBytes(matrix.Scales.AsSpan()))
            .Initializer("block_scales_shape", TensorProto.Types.DataType.Int64, [3], System.Runtime.InteropServices.MemoryMarshal.AsBytes<long>([rowCount, layout.BlockCount, 1]))
            .Initializer("rows_shape", TensorProto.Types.DataType.Int64, [2], System.Runtime.InteropServices.MemoryMarshal.AsBytes<long>([ids.Length, columnCount]))
            .Node("Reshape", "", ["scales", "block_scales_shape"], "block_scales")
            .Output("rows", TensorProto.Types.DataType.Float, ids.Length, columnCount);
        if (gatherZeroPoints is not null)
        {
            model.Initializer("zero_points", TensorProto.Types.DataType.Uint8, [rowCount, layout.BlockCount, 1], gatherZeroPoints);
        }

        model.Node(
            "GatherBlockQuantized",
            "com.microsoft",
            gatherZeroPoints is null ? ["weights", "ids", "block_scales"] : ["weights", "ids", "block_scales", "zero_points"],
            "blocks",
            OnnxTestModel.Int("bits", bits),
            OnnxTestModel.Int("block_size", blockSize),
            OnnxTestModel.Int("gather_axis", 0),
            OnnxTestModel.Int("quantize_axis", 2));
        model.Node("Reshape", "", ["blocks", "rows_shape"], "rows");
        float[] rows = model.Run<long, float>("ids", ids, [ids.Length], "rows");

        for (int i = 0; i < ids.Length; i++)
        {
            for (int column = 0; column < columnCount; column++)
            {
                float expected = dequantized[(ids[i] * columnCount) + column];
                Assert.True(rows[(i * columnCount) + column] == expected, $"id {ids[i]} column {column}: ORT {rows[(i * columnCount) + column]}, reference {expected}");
            }
        }
    }
}

using EdgeLLM.Quantize.Onnx.Proto;
using EdgeLLM.Quantize.Quantizers;

namespace EdgeLLM.Quantize.Tests.Quantizers;

/// <summary>A test matrix quantized through <see cref="BlockQuantizer.Quantize(WeightRows, BlockQuantizationOptions, PackedBytesSink)"/>, with its packed B bytes.</summary>
internal sealed record QuantizedMatrix(float[] Weights, byte[] Packed, QuantizedTensor Tensor)
{
    public MatMulNBitsLayout Layout => Tensor.Layout;

    public float[] Scales => Tensor.Scales;

    public byte[]? ZeroPoints => Tensor.ZeroPoints;

    public static QuantizedMatrix Of(float[] weights, int rowCount, int columnCount, BlockQuantizationOptions options, string name = "test.weight")
    {
        using var packed = new MemoryStream();
        var rows = new WeightRows(name, rowCount, columnCount, (firstRow, count, destination) => weights.AsSpan((int)firstRow * columnCount, count * columnCount).CopyTo(destination));
        QuantizedTensor tensor = BlockQuantizer.Quantize(rows, options, packed.Write);
        return new QuantizedMatrix(weights, packed.ToArray(), tensor);
    }

    /// <summary>All N × K weights as <see cref="ReferenceDequantizer"/> reads the packed bytes.</summary>
    public float[] Dequantized() => ReferenceDequantizer.Dequantize(
        Packed, Scales, ZeroPoints, (int)Layout.RowCount, Layout.ColumnCount, Layout.BlockSize, Layout.Bits);

    /// <summary>Adds B [N, k_blocks, blob_size] and scales [N, k_blocks] as "B" and "scales" (and "zero_points" when asymmetric); returns their names.</summary>
    public string[] AddMatMulNBitsInputs(OnnxTestModel model)
    {
        model.Initializer("B", TensorProto.Types.DataType.Uint8, Layout.PackedShape, Packed)
            .Initializer("scales", TensorProto.Types.DataType.Float, Layout.ScaleShape, System.Runtime.InteropServices.MemoryMarshal.AsBytes(Scales.AsSpan()));
        if (ZeroPoints is null)
        {
            return ["B", "scales"];
        }

        model.Initializer("zero_points", TensorProto.Types.DataType.Uint8, Layout.ZeroPointShape, ZeroPoints);
        return ["B", "scales", "zero_points"];
    }
}

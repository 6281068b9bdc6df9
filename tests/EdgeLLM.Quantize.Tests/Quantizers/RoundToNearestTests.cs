using EdgeLLM.Quantize.Onnx.Proto;
using EdgeLLM.Quantize.Quantizers;

namespace EdgeLLM.Quantize.Tests.Quantizers;

/// <summary>
/// Round-to-nearest reproduces MLAS (onnxruntime/core/mlas/lib/q4_dq.cpp): codes worked out by hand from
/// its formulas (ties of |max| and |min| take the minimum; roundf(w / scale + zero point) rounds half away
/// from zero after adding the zero point, so -0.5 steps land on the zero point), and codes ONNX Runtime's
/// own blocked QuantizeLinear gives for our scales and zero points.
/// </summary>
public sealed class RoundToNearestTests
{
    [Fact]
    public void SymmetricFourBitMatchesMlasByHand()
    {
        float[] weights = [0.5f, -1f, 0.25f, 0.0625f, -0.0625f, 0.875f, 1f, 0f, -0.1875f, 0.3125f, -0.5f, 0.125f, -0.125f, 0.75f, -0.75f, 0.4375f];
        (byte[] packed, float[] scales, _) = Quantize(4, asymmetric: false, weights);

        // scale = -1 / -8; codes 12 0 10 9 8 15 15 8 7 11 4 9 7 14 2 12, low nibble first.
        Assert.Equal([0.125f], scales);
        Assert.Equal([0x0C, 0x9A, 0xF8, 0x8F, 0xB7, 0x94, 0xE7, 0xC2], packed);
    }

    [Fact]
    public void SymmetricTieOfMagnitudesTakesTheMinimumAndPadsWithTheMidCode()
    {
        (byte[] tie, float[] tieScales, _) = Quantize(4, asymmetric: false, [1f, -1f]);
        Assert.Equal([0.125f], tieScales);
        Assert.Equal([0x0F, 0x88, 0x88, 0x88, 0x88, 0x88, 0x88, 0x88], tie);

        (byte[] positive, float[] positiveScales, _) = Quantize(4, asymmetric: false, [2f, -1f]);
        Assert.Equal([-0.25f], positiveScales);
        Assert.Equal(0xC0, positive[0]);
    }

    [Fact]
    public void AsymmetricFourBitMatchesMlasByHand()
    {
        // [min(min,0), max(max,0)] = [-0.375, 1.5] → scale 0.125, zero point 3; 0.5625 → roundf(7.5) = 8.
        (byte[] packed, float[] scales, byte[]? zeroPoints) = Quantize(4, asymmetric: true, [-0.375f, 1.5f, 0f, 0.5625f]);
        Assert.Equal([0.125f], scales);
        Assert.Equal([0xF0, 0x83, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33], packed);
        Assert.Equal([0x03], zeroPoints);

        (_, float[] positiveScales, byte[]? positiveZeroPoints) = Quantize(4, asymmetric: true, [0.5f, 1.5f]);
        Assert.Equal([0.1f], positiveScales);
        Assert.Equal([0x00], positiveZeroPoints);
    }

    [Fact]
    public void EightBitMatchesMlasByHand()
    {
        // scale = -1 / -128; 1/256 → roundf(128.5) = 129, -3/256 → roundf(126.5) = 127, 1 → 256 clamps to 255.
        (byte[] symmetric, float[] symmetricScales, _) = Quantize(8, asymmetric: false, [0.5f, -1f, 1f / 256, -3f / 256, 1f]);
        Assert.Equal([1f / 128], symmetricScales);
        Assert.Equal([192, 0, 129, 127, 255, 128], symmetric[..6]);

        (byte[] asymmetric, _, byte[]? zeroPoints) = Quantize(8, asymmetric: true, [-0.5f, 1f]);
        Assert.Equal([85], zeroPoints);
        Assert.Equal([0, 255, 85], asymmetric[..3]);
    }

    [Fact]
    public void AllZeroBlockGetsScaleZeroAndMidCodes()
    {
        (byte[] packed, float[] scales, _) = Quantize(4, asymmetric: false, new float[16]);
        Assert.Equal([0f], scales);
        Assert.All(packed, value => Assert.Equal(0x88, value));
    }

    [Theory]
    [InlineData(4, false)]
    [InlineData(4, true)]
    [InlineData(8, false)]
    [InlineData(8, true)]
    public void CodesMatchOnnxRuntimeQuantizeLinearForOurScales(int bits, bool asymmetric)
    {
        const int rowCount = 64;
        const int columnCount = 256;
        const int blockSize = 32;
        float[] weights = TestWeights.Normal(rowCount * columnCount, seed: 11);
        var matrix = QuantizedMatrix.Of(weights, rowCount, columnCount, new BlockQuantizationOptions(bits, blockSize, asymmetric, ScaleChoice.RoundToNearest));
        (MatMulNBitsLayout layout, byte[] packed, float[] scales, byte[]? zeroPoints) = (matrix.Layout, matrix.Packed, matrix.Scales, matrix.ZeroPoints);

        // QuantizeLinear's zero points are one flat run of [N, k_blocks] elements (uint4: two per byte).
        int blockCount = layout.BlockCount;
        var zeroPointCodes = new int[rowCount * blockCount];
        for (int i = 0; i < zeroPointCodes.Length; i++)
        {
            zeroPointCodes[i] = zeroPoints is null
                ? 1 << (bits - 1)
                : ReferenceDequantizer.Code(zeroPoints, (((long)(i / blockCount) * layout.ZeroPointRowBytes * 8) + (i % blockCount * bits)), bits);
        }

        byte[] flatZeroPoints = bits == 8
            ? zeroPointCodes.Select(code => (byte)code).ToArray()
            : Enumerable.Range(0, zeroPointCodes.Length / 2).Select(i => (byte)(zeroPointCodes[2 * i] | (zeroPointCodes[(2 * i) + 1] << 4))).ToArray();
        const int Uint4 = 21;
        var model = new OnnxTestModel()
            .Input("x", TensorProto.Types.DataType.Float, rowCount, columnCount)
            .Initializer("scale", TensorProto.Types.DataType.Float, layout.ScaleShape, System.Runtime.InteropServices.MemoryMarshal.AsBytes(scales.AsSpan()))
            .Initializer("zero_point", bits == 8 ? (int)TensorProto.Types.DataType.Uint8 : Uint4, layout.ScaleShape, flatZeroPoints)
            .Node("QuantizeLinear", "", ["x", "scale", "zero_point"], "q", OnnxTestModel.Int("axis", 1), OnnxTestModel.Int("block_size", blockSize))
            .Node("Cast", "", ["q"], "codes", OnnxTestModel.Int("to", (long)TensorProto.Types.DataType.Uint8))
            .Output("codes", TensorProto.Types.DataType.Uint8, rowCount, columnCount);
        byte[] expected = model.Run<byte>("x", weights, [rowCount, columnCount], "codes");

        // MLAS adds the zero point in fp32 before rounding; QuantizeLinear rounds w / scale first. They may
        // differ by one only where w / scale sits within fp32 precision of a half step.
        int nearTies = 0;
        for (int row = 0; row < rowCount; row++)
        {
            for (int column = 0; column < columnCount; column++)
            {
                int index = (row * columnCount) + column;
                int code = ReferenceDequantizer.WeightCode(packed, row, column, columnCount, blockSize, bits);
                if (expected[index] == code)
                {
                    continue;
                }

                double steps = (double)weights[index] / scales[(row * blockCount) + (column / blockSize)];
                bool nearTie = Math.Abs(Math.Abs(steps - Math.Truncate(steps)) - 0.5) < 1e-4;
                Assert.True(nearTie && Math.Abs(expected[index] - code) == 1, $"row {row} column {column}: ORT QuantizeLinear {expected[index]}, ours {code}, w/scale {steps}");
                nearTies++;
            }
        }

        Assert.InRange(nearTies, 0, 4);
    }

    private static (byte[] Packed, float[] Scales, byte[]? ZeroPoints) Quantize(int bits, bool asymmetric, float[] weights)
    {
        var quantizer = BlockQuantizer.Create(new BlockQuantizationOptions(bits, 16, asymmetric, ScaleChoice.RoundToNearest), weights.Length);
        var layout = quantizer.Layout;
        var packed = new byte[layout.PackedRowBytes];
        var scales = new float[layout.BlockCount];
        var zeroPoints = asymmetric ? new byte[layout.ZeroPointRowBytes] : null;
        quantizer.QuantizeRows(weights, packed, scales, zeroPoints, new QuantizationError());
        return (packed, scales, zeroPoints);
    }
}

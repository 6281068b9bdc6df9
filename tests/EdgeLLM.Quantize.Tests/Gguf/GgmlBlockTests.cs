using EdgeLLM.Quantize.Gguf;
using EdgeLLM.Quantize.Quantizers;
using Xunit.Abstractions;

namespace EdgeLLM.Quantize.Tests.Gguf;

/// <summary>
/// Blocks made by ggml's own quantizer: our scalar dequantization equals ggml's dequantize_row_* bit for bit,
/// step · code − offset reproduces it exactly, and the MatMulNBits repacking is exact for the symmetric
/// types and within step/(2k) for the affine ones.
/// </summary>
[Collection(nameof(LlamaCppCollection))]
public sealed class GgmlBlockTests(ITestOutputHelper output)
{
    public static TheoryData<GgmlType> BlockTypes => new(
        GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.Q8_0,
        GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K);

    [Theory]
    [MemberData(nameof(BlockTypes))]
    public void DequantizationEqualsGgmlBitForBitAndCodesReproduceIt(GgmlType type)
    {
        Assert.True(GgmlNative.Available, "libggml-base.so of LLamaSharp was not found");
        const int rows = 8, rowLength = 512;
        float[] values = Weights(rows * rowLength, seed: (int)type);
        byte[] blocks = GgmlNative.Quantize(type, values, rows, rowLength);
        float[] expected = GgmlNative.Dequantize(type, blocks);

        var ours = new float[expected.Length];
        GgmlDequantizer.Dequantize(type, blocks, ours);
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), ours.Select(BitConverter.SingleToInt32Bits));

        int blockLength = type.BlockLength(), groupLength = GgmlBlockCodes.GroupLength(type);
        var codes = new int[blockLength];
        var steps = new float[blockLength / groupLength];
        var offsets = new float[steps.Length];
        (int minCode, int maxCode) = GgmlBlockCodes.CodeRange(type);
        for (int block = 0; block < expected.Length / blockLength; block++)
        {
            GgmlBlockCodes.Extract(type, blocks.AsSpan(block * type.BlockByteCount(), type.BlockByteCount()), codes, steps, offsets);
            for (int i = 0; i < blockLength; i++)
            {
                int group = i / groupLength;
                Assert.InRange(codes[i], minCode, maxCode);
                float value = GgmlBlockCodes.IsSymmetric(type) ? steps[group] * codes[i] : (steps[group] * codes[i]) - offsets[group];
                Assert.Equal(BitConverter.SingleToInt32Bits(expected[(block * blockLength) + i]), BitConverter.SingleToInt32Bits(value));
            }
        }
    }

    [Theory]
    [MemberData(nameof(BlockTypes))]
    public void RepackedMatMulNBitsRowsDecodeToGgmlValues(GgmlType type)
    {
        Assert.True(GgmlNative.Available, "libggml-base.so of LLamaSharp was not found");
        const int rows = 4, rowLength = 512;
        float[] values = Weights(rows * rowLength, seed: 100 + (int)type);
        byte[] blocks = GgmlNative.Quantize(type, values, rows, rowLength);
        float[] expected = GgmlNative.Dequantize(type, blocks);
        GgufMatMulNBitsTarget target = GgufMatMulNBitsTarget.For([type])!;
        var layout = new MatMulNBitsLayout(rows, rowLength, target.Bits, target.BlockSize);
        var packed = new byte[layout.PackedRowBytes];
        var scales = new float[layout.BlockCount];
        var zeroPoints = new byte[target.ZeroPoints ? layout.ZeroPointRowBytes : 0];
        var error = new QuantizationError();
        var repacker = new GgufBlockRepacker(target);
        double worstStepFraction = 0;
        int rowBytes = (int)type.RowByteCount(rowLength);
        for (int row = 0; row < rows; row++)
        {
            Array.Clear(packed);
            repacker.Repack(type, blocks.AsSpan(row * rowBytes, rowBytes), rowLength, packed, scales, zeroPoints, error);
            for (int i = 0; i < rowLength; i++)
            {
                int block = i / target.BlockSize;
                int code = target.Bits == 8 ? packed[i] : (i % 2 == 0 ? packed[i / 2] & 0x0F : packed[i / 2] >> 4);
                int zero = target.ZeroPoints ? zeroPoints[block] : 1 << (target.Bits - 1);
                float decoded = (code - zero) * scales[block];
                float reference = expected[(row * rowLength) + i];
                if (GgmlBlockCodes.IsSymmetric(type))
                {
                    Assert.Equal(reference, decoded);
                }
                else
                {
                    // Within half a code step of the stored scale (step / k).
                    Assert.True(Math.Abs(decoded - reference) <= (0.5 * scales[block]) + (1e-6 * Math.Abs(reference)), $"{type} row {row} element {i}: {decoded} vs {reference}");
                    worstStepFraction = Math.Max(worstStepFraction, scales[block] == 0 ? 0 : Math.Abs(decoded - reference) / scales[block]);
                }
            }
        }

        output.WriteLine($"{type} → {target}: {error}");
        Assert.Equal(rows * rowLength, error.WeightCount);
        if (GgmlBlockCodes.IsSymmetric(type))
        {
            Assert.Equal(0, error.MaxAbsoluteError);
        }
    }

    /// <summary>Gaussian-ish weights with a few outliers and an offset per 32 values (so minima are not all at zero).</summary>
    private static float[] Weights(int count, int seed)
    {
        var random = new Random(seed);
        var values = new float[count];
        float shift = 0;
        for (int i = 0; i < count; i++)
        {
            if (i % 32 == 0)
            {
                shift = (float)((random.NextDouble() - 0.5) * 0.02);
            }

            double u = random.NextDouble() + random.NextDouble() + random.NextDouble() - 1.5;
            values[i] = shift + (float)(u * (random.Next(50) == 0 ? 0.3 : 0.05));
        }

        return values;
    }
}

using EdgeLLM.Quantize.Gguf;

namespace EdgeLLM.Quantize.Tests.Gguf;

/// <summary>The rounding rules of ggml's reference Q8_0/Q4_0 quantizers on hand-computed blocks.</summary>
public sealed class BlockEncoderTests
{
    [Fact]
    public void Q8_0RoundsHalfAwayFromZeroWithScaleAmaxOver127()
    {
        var values = new float[32];
        values[0] = 127f; // amax 127: d = 1, 1/d = 1
        values[1] = 2.5f;
        values[2] = -2.5f;
        values[3] = 0.49f;
        values[4] = -126.5f;
        var block = new byte[Q8_0BlockEncoder.BlockByteCount];

        Q8_0BlockEncoder.EncodeRow(values, block);

        Assert.Equal((Half)1f, BitConverter.ToHalf(block, 0));
        Assert.Equal([127, 3, -3, 0, -127], block[2..7].Select(code => (int)(sbyte)code));
        Assert.All(block[7..], code => Assert.Equal(0, code));
    }

    [Fact]
    public void Q4_0TakesTheSignedExtremeOverMinus8AndTruncatesXPlus8Point5()
    {
        var values = new float[32];
        values[0] = -8f;   // the extreme, negative: d = -8 / -8 = 1
        values[1] = 0.5f;  // 9.0 → 9
        values[2] = -0.5f; // 8.0 → 8
        values[3] = 7.9f;  // 16.4 → 16 → clamped to 15
        values[16] = 3.49f; // 11.99 → 11, high nibble of byte 0
        var block = new byte[Q4_0BlockEncoder.BlockByteCount];

        Q4_0BlockEncoder.EncodeRow(values, block);

        Assert.Equal((Half)1f, BitConverter.ToHalf(block, 0));
        Assert.Equal(0x00 | (11 << 4), block[2]);
        Assert.Equal(9 | (8 << 4), block[3]);
        Assert.Equal(8 | (8 << 4), block[4]);
        Assert.Equal(15 | (8 << 4), block[5]);
    }

    [Fact]
    public void AllZeroBlocksGetScaleZeroAndTheMidpointCodeWithQ4_0sNegativeZeroScale()
    {
        var values = new float[64];
        var q8 = new byte[2 * Q8_0BlockEncoder.BlockByteCount];
        var q4 = new byte[2 * Q4_0BlockEncoder.BlockByteCount];

        Q8_0BlockEncoder.EncodeRow(values, q8);
        Q4_0BlockEncoder.EncodeRow(values, q4);

        Assert.All(q8, code => Assert.Equal(0, code));
        Assert.Equal(0x8000, BitConverter.ToUInt16(q4, 0)); // 0.0f / -8 is -0.0 in C too
        Assert.All(q4[2..18], code => Assert.Equal(0x88, code));
    }
}

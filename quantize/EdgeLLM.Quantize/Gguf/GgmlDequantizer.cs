using System.Buffers.Binary;
using EdgeLLM.Format;

namespace EdgeLLM.Quantize.Gguf;

/// <summary>
/// ggml blocks → fp32, the scalar reference of ggml-quants.c's <c>dequantize_row_*</c>: the same products
/// in the same order in single precision (<c>d * sc</c> first, then <c>· q − dmin · m</c>), so the values
/// equal llama.cpp's. Whole blocks only: <paramref name="source"/> holds exactly the blocks of
/// <paramref name="destination"/>'s elements.
/// </summary>
public static class GgmlDequantizer
{
    public static void Dequantize(GgmlType type, ReadOnlySpan<byte> source, Span<float> destination)
    {
        int blockLength = type.BlockLength();
        int blockBytes = type.BlockByteCount();
        if (destination.Length % blockLength != 0 || source.Length != destination.Length / blockLength * blockBytes)
        {
            throw new ArgumentException($"{type}: {source.Length} bytes are not the blocks of {destination.Length} elements");
        }

        for (int block = 0; block < destination.Length / blockLength; block++)
        {
            ReadOnlySpan<byte> bytes = source.Slice(block * blockBytes, blockBytes);
            Span<float> values = destination.Slice(block * blockLength, blockLength);
            switch (type)
            {
                case GgmlType.F32: values[0] = BinaryPrimitives.ReadSingleLittleEndian(bytes); break;
                case GgmlType.F16: values[0] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes); break;
                case GgmlType.BF16: values[0] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes) << 16); break;
                case GgmlType.Q4_0: Q4_0(bytes, values); break;
                case GgmlType.Q4_1: Q4_1(bytes, values); break;
                case GgmlType.Q5_0: Q5_0(bytes, values); break;
                case GgmlType.Q5_1: Q5_1(bytes, values); break;
                case GgmlType.Q8_0: Q8_0(bytes, values); break;
                case GgmlType.Q2_K: Q2_K(bytes, values); break;
                case GgmlType.Q3_K: Q3_K(bytes, values); break;
                case GgmlType.Q4_K: Q4_K(bytes, values); break;
                case GgmlType.Q5_K: Q5_K(bytes, values); break;
                case GgmlType.Q6_K: Q6_K(bytes, values); break;
                default: throw new EdgeLlmException($"ggml type {type} cannot be dequantized");
            }
        }
    }

    private static float Half(ReadOnlySpan<byte> bytes, int offset) => (float)BinaryPrimitives.ReadHalfLittleEndian(bytes[offset..]);

    // block_q4_0: fp16 d, 16 bytes: element j in the low nibble of byte j, element j + 16 in its high nibble.
    private static void Q4_0(ReadOnlySpan<byte> block, Span<float> y)
    {
        float d = Half(block, 0);
        for (int j = 0; j < 16; j++)
        {
            byte q = block[2 + j];
            y[j] = ((q & 0x0F) - 8) * d;
            y[j + 16] = ((q >> 4) - 8) * d;
        }
    }

    // block_q4_1: fp16 d, fp16 m, 16 bytes of nibbles; x·d + m.
    private static void Q4_1(ReadOnlySpan<byte> block, Span<float> y)
    {
        float d = Half(block, 0);
        float m = Half(block, 2);
        for (int j = 0; j < 16; j++)
        {
            byte q = block[4 + j];
            y[j] = ((q & 0x0F) * d) + m;
            y[j + 16] = ((q >> 4) * d) + m;
        }
    }

    // block_q5_0: fp16 d, 32 high bits, 16 bytes of nibbles; (q − 16)·d.
    private static void Q5_0(ReadOnlySpan<byte> block, Span<float> y)
    {
        float d = Half(block, 0);
        uint qh = BinaryPrimitives.ReadUInt32LittleEndian(block[2..]);
        for (int j = 0; j < 16; j++)
        {
            byte q = block[6 + j];
            int high0 = (int)((qh >> j) << 4) & 0x10;
            int high1 = (int)(qh >> (j + 12)) & 0x10;
            y[j] = (((q & 0x0F) | high0) - 16) * d;
            y[j + 16] = (((q >> 4) | high1) - 16) * d;
        }
    }

    // block_q5_1: fp16 d, fp16 m, 32 high bits, 16 bytes of nibbles; q·d + m.
    private static void Q5_1(ReadOnlySpan<byte> block, Span<float> y)
    {
        float d = Half(block, 0);
        float m = Half(block, 2);
        uint qh = BinaryPrimitives.ReadUInt32LittleEndian(block[4..]);
        for (int j = 0; j < 16; j++)
        {
            byte q = block[8 + j];
            int high0 = (int)((qh >> j) << 4) & 0x10;
            int high1 = (int)(qh >> (j + 12)) & 0x10;
            y[j] = (((q & 0x0F) | high0) * d) + m;
            y[j + 16] = (((q >> 4) | high1) * d) + m;
        }
    }

    // block_q8_0: fp16 d, 32 int8.
    private static void Q8_0(ReadOnlySpan<byte> block, Span<float> y)
    {
        float d = Half(block, 0);
        for (int j = 0; j < 32; j++)
        {
            y[j] = (sbyte)block[2 + j] * d;
        }
    }

    // block_q2_K: 16 bytes of 4-bit scale | 4-bit min, 64 bytes of 2-bit codes, fp16 d, fp16 dmin.
    private static void Q2_K(ReadOnlySpan<byte> block, Span<float> y)
    {
        ReadOnlySpan<byte> scales = block[..16];
        ReadOnlySpan<byte> qs = block.Slice(16, 64);
        float d = Half(block, 80);
        float min = Half(block, 82);
        int index = 0;
        int scale = 0;
        for (int n = 0; n < GgmlTypes.SuperBlockLength; n += 128)
        {
            ReadOnlySpan<byte> q = qs.Slice(n / 4, 32);
            for (int shift = 0; shift < 8; shift += 2)
            {
                for (int half = 0; half < 2; half++)
                {
                    byte sc = scales[scale++];
                    float dl = d * (sc & 0x0F);
                    float ml = min * (sc >> 4);
                    for (int l = 0; l < 16; l++)
                    {
                        y[index++] = (dl * ((q[l + (16 * half)] >> shift) & 3)) - ml;
                    }
                }
            }
        }
    }

    // block_q3_K: 32 bytes of high-bit masks, 64 bytes of 2-bit codes, 12 bytes of 6-bit scales, fp16 d.
    private static void Q3_K(ReadOnlySpan<byte> block, Span<float> y)
    {
        ReadOnlySpan<byte> hmask = block[..32];
        ReadOnlySpan<byte> qs = block.Slice(32, 64);
        ReadOnlySpan<byte> packed = block.Slice(96, 12);
        float d = Half(block, 108);
        Span<sbyte> scales = stackalloc sbyte[16];
        const uint kmask1 = 0x03030303;
        const uint kmask2 = 0x0f0f0f0f;
        uint a0 = BinaryPrimitives.ReadUInt32LittleEndian(packed);
        uint a1 = BinaryPrimitives.ReadUInt32LittleEndian(packed[4..]);
        uint tmp = BinaryPrimitives.ReadUInt32LittleEndian(packed[8..]);
        Span<uint> aux = stackalloc uint[4];
        aux[2] = ((a0 >> 4) & kmask2) | (((tmp >> 4) & kmask1) << 4);
        aux[3] = ((a1 >> 4) & kmask2) | (((tmp >> 6) & kmask1) << 4);
        aux[0] = (a0 & kmask2) | (((tmp >> 0) & kmask1) << 4);
        aux[1] = (a1 & kmask2) | (((tmp >> 2) & kmask1) << 4);
        for (int i = 0; i < 16; i++)
        {
            scales[i] = (sbyte)(byte)(aux[i / 4] >> (8 * (i % 4)));
        }

        int index = 0;
        int scale = 0;
        byte m = 1;
        for (int n = 0; n < GgmlTypes.SuperBlockLength; n += 128)
        {
            ReadOnlySpan<byte> q = qs.Slice(n / 4, 32);
            for (int shift = 0; shift < 8; shift += 2)
            {
                for (int half = 0; half < 2; half++)
                {
                    float dl = d * (scales[scale++] - 32);
                    for (int l = 0; l < 16; l++)
                    {
                        int position = l + (16 * half);
                        int code = ((q[position] >> shift) & 3) - ((hmask[position] & m) != 0 ? 0 : 4);
                        y[index++] = dl * code;
                    }
                }

                m <<= 1;
            }
        }
    }

    /// <summary>The 6-bit scale and min of sub-block <paramref name="j"/> (ggml's get_scale_min_k4).</summary>
    internal static (int Scale, int Min) ScaleMinK4(int j, ReadOnlySpan<byte> q)
        => j < 4
            ? (q[j] & 63, q[j + 4] & 63)
            : ((q[j + 4] & 0x0F) | ((q[j - 4] >> 6) << 4), (q[j + 4] >> 4) | ((q[j] >> 6) << 4));

    // block_q4_K: fp16 d, fp16 dmin, 12 bytes of 6-bit scales and mins, 128 bytes of nibbles.
    private static void Q4_K(ReadOnlySpan<byte> block, Span<float> y)
    {
        float d = Half(block, 0);
        float min = Half(block, 2);
        ReadOnlySpan<byte> scales = block.Slice(4, 12);
        ReadOnlySpan<byte> qs = block.Slice(16, 128);
        int index = 0;
        for (int j = 0, sub = 0; j < GgmlTypes.SuperBlockLength; j += 64, sub += 2)
        {
            (int sc1, int m1) = ScaleMinK4(sub, scales);
            (int sc2, int m2) = ScaleMinK4(sub + 1, scales);
            float d1 = d * sc1, min1 = min * m1, d2 = d * sc2, min2 = min * m2;
            ReadOnlySpan<byte> q = qs.Slice(j / 2, 32);
            for (int l = 0; l < 32; l++)
            {
                y[index++] = (d1 * (q[l] & 0x0F)) - min1;
            }

            for (int l = 0; l < 32; l++)
            {
                y[index++] = (d2 * (q[l] >> 4)) - min2;
            }
        }
    }

    // block_q5_K: fp16 d, fp16 dmin, 12 bytes of scales and mins, 32 bytes of high bits, 128 bytes of nibbles.
    private static void Q5_K(ReadOnlySpan<byte> block, Span<float> y)
    {
        float d = Half(block, 0);
        float min = Half(block, 2);
        ReadOnlySpan<byte> scales = block.Slice(4, 12);
        ReadOnlySpan<byte> qh = block.Slice(16, 32);
        ReadOnlySpan<byte> qs = block.Slice(48, 128);
        int index = 0;
        int u1 = 1, u2 = 2;
        for (int j = 0, sub = 0; j < GgmlTypes.SuperBlockLength; j += 64, sub += 2)
        {
            (int sc1, int m1) = ScaleMinK4(sub, scales);
            (int sc2, int m2) = ScaleMinK4(sub + 1, scales);
            float d1 = d * sc1, min1 = min * m1, d2 = d * sc2, min2 = min * m2;
            ReadOnlySpan<byte> ql = qs.Slice(j / 2, 32);
            for (int l = 0; l < 32; l++)
            {
                y[index++] = (d1 * ((ql[l] & 0x0F) + ((qh[l] & u1) != 0 ? 16 : 0))) - min1;
            }

            for (int l = 0; l < 32; l++)
            {
                y[index++] = (d2 * ((ql[l] >> 4) + ((qh[l] & u2) != 0 ? 16 : 0))) - min2;
            }

            u1 <<= 2;
            u2 <<= 2;
        }
    }

    // block_q6_K: 128 bytes of low nibbles, 64 bytes of 2-bit highs, 16 int8 scales, fp16 d.
    private static void Q6_K(ReadOnlySpan<byte> block, Span<float> y)
    {
        float d = Half(block, 208);
        for (int n = 0; n < 2; n++)
        {
            ReadOnlySpan<byte> ql = block.Slice(64 * n, 64);
            ReadOnlySpan<byte> qh = block.Slice(128 + (32 * n), 32);
            ReadOnlySpan<byte> sc = block.Slice(192 + (8 * n), 8);
            Span<float> output = y.Slice(128 * n, 128);
            for (int l = 0; l < 32; l++)
            {
                int s = l / 16;
                int q1 = ((ql[l] & 0x0F) | (((qh[l] >> 0) & 3) << 4)) - 32;
                int q2 = ((ql[l + 32] & 0x0F) | (((qh[l] >> 2) & 3) << 4)) - 32;
                int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
                output[l] = d * (sbyte)sc[s] * q1;
                output[l + 32] = d * (sbyte)sc[s + 2] * q2;
                output[l + 64] = d * (sbyte)sc[s + 4] * q3;
                output[l + 96] = d * (sbyte)sc[s + 6] * q4;
            }
        }
    }
}

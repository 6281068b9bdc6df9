using System.Buffers.Binary;
using EdgeLLM.Format;

namespace EdgeLLM.Quantize.Gguf;

/// <summary>
/// A ggml block as integer codes and, per group of <see cref="GroupLength"/> codes, a step and an offset
/// such that llama.cpp's value is exactly <c>step · code − offset</c> in single precision (offset 0 for the
/// symmetric types, whose codes are signed). This is what lets a block be carried into MatMulNBits
/// without dequantizing: symmetric groups map to a scale and a constant zero point as they are.
/// </summary>
public static class GgmlBlockCodes
{
    /// <summary>Whether <paramref name="type"/> has codes this class extracts.</summary>
    public static bool Supports(GgmlType type) => type is GgmlType.Q4_0 or GgmlType.Q4_1 or GgmlType.Q5_0 or GgmlType.Q5_1 or GgmlType.Q8_0
        or GgmlType.Q2_K or GgmlType.Q3_K or GgmlType.Q4_K or GgmlType.Q5_K or GgmlType.Q6_K;

    /// <summary>Codes sharing one step and offset: 16 for Q2_K, Q3_K and Q6_K, 32 for the others.</summary>
    public static int GroupLength(GgmlType type) => type is GgmlType.Q2_K or GgmlType.Q3_K or GgmlType.Q6_K ? 16 : 32;

    /// <summary>True when offsets are always zero and codes signed (Q4_0, Q5_0, Q8_0, Q3_K, Q6_K).</summary>
    public static bool IsSymmetric(GgmlType type) => type is GgmlType.Q4_0 or GgmlType.Q5_0 or GgmlType.Q8_0 or GgmlType.Q3_K or GgmlType.Q6_K;

    /// <summary>The code range: signed for symmetric types, 0..max for the affine ones.</summary>
    public static (int Min, int Max) CodeRange(GgmlType type) => type switch
    {
        GgmlType.Q4_0 => (-8, 7),
        GgmlType.Q5_0 => (-16, 15),
        GgmlType.Q8_0 => (-128, 127),
        GgmlType.Q3_K => (-4, 3),
        GgmlType.Q6_K => (-32, 31),
        GgmlType.Q4_1 or GgmlType.Q4_K => (0, 15),
        GgmlType.Q5_1 or GgmlType.Q5_K => (0, 31),
        GgmlType.Q2_K => (0, 3),
        _ => throw new EdgeLlmException($"ggml type {type} has no integer codes"),
    };

    /// <summary>Fills codes (one block), steps and offsets (one per group) of one block.</summary>
    public static void Extract(GgmlType type, ReadOnlySpan<byte> block, Span<int> codes, Span<float> steps, Span<float> offsets)
    {
        int groups = type.BlockLength() / GroupLength(type);
        if (block.Length != type.BlockByteCount() || codes.Length != type.BlockLength() || steps.Length != groups || offsets.Length != groups)
        {
            throw new ArgumentException($"{type}: buffers do not match one block");
        }

        offsets.Clear();
        switch (type)
        {
            case GgmlType.Q4_0:
                steps[0] = Half(block, 0);
                for (int j = 0; j < 16; j++)
                {
                    codes[j] = (block[2 + j] & 0x0F) - 8;
                    codes[j + 16] = (block[2 + j] >> 4) - 8;
                }

                break;
            case GgmlType.Q4_1:
                steps[0] = Half(block, 0);
                offsets[0] = -Half(block, 2);
                for (int j = 0; j < 16; j++)
                {
                    codes[j] = block[4 + j] & 0x0F;
                    codes[j + 16] = block[4 + j] >> 4;
                }

                break;
            case GgmlType.Q5_0 or GgmlType.Q5_1:
                bool affine = type == GgmlType.Q5_1;
                int start = affine ? 4 : 2;
                steps[0] = Half(block, 0);
                if (affine)
                {
                    offsets[0] = -Half(block, 2);
                }

                uint qh = BinaryPrimitives.ReadUInt32LittleEndian(block[start..]);
                for (int j = 0; j < 16; j++)
                {
                    byte q = block[start + 4 + j];
                    int high0 = (int)((qh >> j) << 4) & 0x10;
                    int high1 = (int)(qh >> (j + 12)) & 0x10;
                    codes[j] = ((q & 0x0F) | high0) - (affine ? 0 : 16);
                    codes[j + 16] = ((q >> 4) | high1) - (affine ? 0 : 16);
                }

                break;
            case GgmlType.Q8_0:
                steps[0] = Half(block, 0);
                for (int j = 0; j < 32; j++)
                {
                    codes[j] = (sbyte)block[2 + j];
                }

                break;
            case GgmlType.Q2_K:
                Q2_K(block, codes, steps, offsets);
                break;
            case GgmlType.Q3_K:
                Q3_K(block, codes, steps);
                break;
            case GgmlType.Q4_K or GgmlType.Q5_K:
                Q4_K_Q5_K(type, block, codes, steps, offsets);
                break;
            case GgmlType.Q6_K:
                Q6_K(block, codes, steps);
                break;
            default:
                throw new EdgeLlmException($"ggml type {type} has no integer codes");
        }
    }

    private static float Half(ReadOnlySpan<byte> bytes, int offset) => (float)BinaryPrimitives.ReadHalfLittleEndian(bytes[offset..]);

    private static void Q2_K(ReadOnlySpan<byte> block, Span<int> codes, Span<float> steps, Span<float> offsets)
    {
        float d = Half(block, 80);
        float min = Half(block, 82);
        int index = 0, group = 0;
        for (int n = 0; n < 256; n += 128)
        {
            ReadOnlySpan<byte> q = block.Slice(16 + (n / 4), 32);
            for (int shift = 0; shift < 8; shift += 2)
            {
                for (int half = 0; half < 2; half++)
                {
                    byte sc = block[group];
                    steps[group] = d * (sc & 0x0F);
                    offsets[group] = min * (sc >> 4);
                    group++;
                    for (int l = 0; l < 16; l++)
                    {
                        codes[index++] = (q[l + (16 * half)] >> shift) & 3;
                    }
                }
            }
        }
    }

    private static void Q3_K(ReadOnlySpan<byte> block, Span<int> codes, Span<float> steps)
    {
        ReadOnlySpan<byte> hmask = block[..32];
        ReadOnlySpan<byte> packed = block.Slice(96, 12);
        float d = Half(block, 108);
        const uint kmask1 = 0x03030303, kmask2 = 0x0f0f0f0f;
        uint a0 = BinaryPrimitives.ReadUInt32LittleEndian(packed);
        uint a1 = BinaryPrimitives.ReadUInt32LittleEndian(packed[4..]);
        uint tmp = BinaryPrimitives.ReadUInt32LittleEndian(packed[8..]);
        Span<uint> aux =
        [
            (a0 & kmask2) | ((tmp & kmask1) << 4),
            (a1 & kmask2) | (((tmp >> 2) & kmask1) << 4),
            ((a0 >> 4) & kmask2) | (((tmp >> 4) & kmask1) << 4),
            ((a1 >> 4) & kmask2) | (((tmp >> 6) & kmask1) << 4),
        ];
        int index = 0, group = 0;
        byte m = 1;
        for (int n = 0; n < 256; n += 128)
        {
            ReadOnlySpan<byte> q = block.Slice(32 + (n / 4), 32);
            for (int shift = 0; shift < 8; shift += 2)
            {
                for (int half = 0; half < 2; half++)
                {
                    sbyte scale = (sbyte)(byte)(aux[group / 4] >> (8 * (group % 4)));
                    steps[group++] = d * (scale - 32);
                    for (int l = 0; l < 16; l++)
                    {
                        int position = l + (16 * half);
                        codes[index++] = ((q[position] >> shift) & 3) - ((hmask[position] & m) != 0 ? 0 : 4);
                    }
                }

                m <<= 1;
            }
        }
    }

    private static void Q4_K_Q5_K(GgmlType type, ReadOnlySpan<byte> block, Span<int> codes, Span<float> steps, Span<float> offsets)
    {
        bool five = type == GgmlType.Q5_K;
        float d = Half(block, 0);
        float min = Half(block, 2);
        ReadOnlySpan<byte> scales = block.Slice(4, 12);
        ReadOnlySpan<byte> qh = five ? block.Slice(16, 32) : default;
        ReadOnlySpan<byte> qs = block.Slice(five ? 48 : 16, 128);
        int u1 = 1, u2 = 2;
        for (int j = 0, sub = 0; j < 256; j += 64, sub += 2)
        {
            (int sc1, int m1) = GgmlDequantizer.ScaleMinK4(sub, scales);
            (int sc2, int m2) = GgmlDequantizer.ScaleMinK4(sub + 1, scales);
            steps[sub] = d * sc1;
            offsets[sub] = min * m1;
            steps[sub + 1] = d * sc2;
            offsets[sub + 1] = min * m2;
            ReadOnlySpan<byte> q = qs.Slice(j / 2, 32);
            for (int l = 0; l < 32; l++)
            {
                codes[j + l] = (q[l] & 0x0F) + (five && (qh[l] & u1) != 0 ? 16 : 0);
                codes[j + 32 + l] = (q[l] >> 4) + (five && (qh[l] & u2) != 0 ? 16 : 0);
            }

            u1 <<= 2;
            u2 <<= 2;
        }
    }

    private static void Q6_K(ReadOnlySpan<byte> block, Span<int> codes, Span<float> steps)
    {
        float d = Half(block, 208);
        for (int n = 0; n < 2; n++)
        {
            ReadOnlySpan<byte> ql = block.Slice(64 * n, 64);
            ReadOnlySpan<byte> qh = block.Slice(128 + (32 * n), 32);
            ReadOnlySpan<byte> sc = block.Slice(192 + (8 * n), 8);
            int baseIndex = 128 * n;
            for (int l = 0; l < 32; l++)
            {
                codes[baseIndex + l] = ((ql[l] & 0x0F) | (((qh[l] >> 0) & 3) << 4)) - 32;
                codes[baseIndex + l + 32] = ((ql[l + 32] & 0x0F) | (((qh[l] >> 2) & 3) << 4)) - 32;
                codes[baseIndex + l + 64] = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                codes[baseIndex + l + 96] = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
            }

            for (int s = 0; s < 8; s++)
            {
                // Sub-block s of this half covers elements [16 s', …): l / 16 picks sc[0|1], +2, +4, +6 per quarter.
                steps[(8 * n) + s] = d * (sbyte)sc[s];
            }
        }
    }
}

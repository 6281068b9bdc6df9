using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace EdgeLLM.Runtime.Engines.Cpu.Kernels;

/// <summary>
/// Portable <c>Vector128</c> block-quantized rows (ARM64 AdvSimd, or SSE on x64 without AVX2): per block, 16 (or, for
/// 4-bit blocks of 16, 8) weight bytes at a time are widened to int16, multiplied with the int8 activation codes,
/// widened to int32 and summed; the exact block dot product minus zero point × code sum is then scaled in fp32.
/// </summary>
internal static unsafe class QuantizedRowsVector128
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Row(in WeightMatrix weight, int row, float* rowScales, in QuantizedActivations activations)
    {
        byte* rowBytes = (byte*)weight.Values + ((long)row * weight.RowBytes);
        bool int4 = weight.Layout == WeightLayout.Int4Blocks;
        int blockBytes = int4 ? weight.BlockSize / 2 : weight.BlockSize;
        int paddedCount = weight.PaddedInputCount;
        sbyte* codes = activations.Codes;
        float sum = 0;
        for (int block = 0; block < weight.BlockCount; block++)
        {
            var accumulator = Vector128<int>.Zero;
            int first = block * blockBytes;
            if (int4)
            {
                for (int offset = first; offset < first + blockBytes; offset += 16)
                {
                    byte* packed = rowBytes + offset;
                    sbyte* even = codes + QuantizedActivations.NibblePosition(2 * offset, paddedCount);
                    sbyte* odd = codes + QuantizedActivations.NibblePosition((2 * offset) + 1, paddedCount);
                    accumulator += blockBytes == 8
                        ? Nibbles(Vector128.CreateScalar(*(ulong*)packed).AsByte(), Vector128.CreateScalar(*(long*)even).AsSByte(), Vector128.CreateScalar(*(long*)odd).AsSByte())
                        : Nibbles(Vector128.Load(packed), Vector128.Load(even), Vector128.Load(odd));
                }
            }
            else
            {
                for (int offset = first; offset < first + blockBytes; offset += 16)
                {
                    accumulator += Bytes(Vector128.Load(rowBytes + offset), Vector128.Load(codes + offset));
                }
            }

            int dot = Vector128.Sum(accumulator) - (weight.ZeroPoint(row, block) * activations.BlockSums[block]);
            sum += rowScales[block] * activations.BlockScales[block] * dot;
        }

        return sum;
    }

    /// <summary>Σ low nibble × even + high nibble × odd, as int32 partial sums.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Nibbles(Vector128<byte> packed, Vector128<sbyte> even, Vector128<sbyte> odd)
    {
        Vector128<byte> mask = Vector128.Create((byte)0x0F);
        Vector128<byte> low = packed & mask;
        Vector128<byte> high = Vector128.ShiftRightLogical(packed.AsUInt16(), 4).AsByte() & mask;
        (Vector128<ushort> lowLower, Vector128<ushort> lowUpper) = Vector128.Widen(low);
        (Vector128<ushort> highLower, Vector128<ushort> highUpper) = Vector128.Widen(high);
        (Vector128<short> evenLower, Vector128<short> evenUpper) = Vector128.Widen(even);
        (Vector128<short> oddLower, Vector128<short> oddUpper) = Vector128.Widen(odd);
        Vector128<short> products0 = (lowLower.AsInt16() * evenLower) + (highLower.AsInt16() * oddLower); // |.| ≤ 3810
        Vector128<short> products1 = (lowUpper.AsInt16() * evenUpper) + (highUpper.AsInt16() * oddUpper);
        (Vector128<int> a, Vector128<int> b) = Vector128.Widen(products0);
        (Vector128<int> c, Vector128<int> d) = Vector128.Widen(products1);
        return a + b + c + d;
    }

    /// <summary>Σ unsigned byte × signed code, as int32 partial sums (each product ≤ 32385 fits int16).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Bytes(Vector128<byte> packed, Vector128<sbyte> codes)
    {
        (Vector128<ushort> weightLower, Vector128<ushort> weightUpper) = Vector128.Widen(packed);
        (Vector128<short> codeLower, Vector128<short> codeUpper) = Vector128.Widen(codes);
        (Vector128<int> a, Vector128<int> b) = Vector128.Widen(weightLower.AsInt16() * codeLower);
        (Vector128<int> c, Vector128<int> d) = Vector128.Widen(weightUpper.AsInt16() * codeUpper);
        return a + b + c + d;
    }
}

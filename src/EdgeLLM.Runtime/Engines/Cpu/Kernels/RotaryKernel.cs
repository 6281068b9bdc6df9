using System.Runtime.Intrinsics;

namespace EdgeLLM.Runtime.Engines.Cpu.Kernels;

/// <summary>
/// Non-interleaved rotary embedding (Hugging Face rotate_half): with h = cos.Length, for i &lt; h, a = x[i], b = x[i+h]:
/// x[i] = a·cos[i] − b·sin[i], x[i+h] = b·cos[i] + a·sin[i]; elements from 2h on are untouched (partial rotary).
/// </summary>
public static unsafe class RotaryKernel
{
    public static void Apply(Span<float> headVector, ReadOnlySpan<float> cos, ReadOnlySpan<float> sin)
    {
        int half = cos.Length;
        if (sin.Length != half || headVector.Length < 2 * half)
        {
            throw new ArgumentException($"rotary lengths: head {headVector.Length}, cos {cos.Length}, sin {sin.Length}");
        }

        fixed (float* x = headVector, c = cos, s = sin)
        {
            int i = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                for (; i + 8 <= half; i += 8)
                {
                    var a = Vector256.Load(x + i);
                    var b = Vector256.Load(x + half + i);
                    var cv = Vector256.Load(c + i);
                    var sv = Vector256.Load(s + i);
                    ((a * cv) - (b * sv)).Store(x + i);
                    ((b * cv) + (a * sv)).Store(x + half + i);
                }
            }

            for (; i < half; i++)
            {
                float a = x[i];
                float b = x[i + half];
                x[i] = (a * c[i]) - (b * s[i]);
                x[i + half] = (b * c[i]) + (a * s[i]);
            }
        }
    }
}

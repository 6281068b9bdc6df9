using System.Runtime.Intrinsics;

namespace EdgeLLM.Runtime.Engines.Cpu.Kernels;

/// <summary>SwiGLU's element-wise half: output = gate · sigmoid(gate) · up.</summary>
public static unsafe class ActivationKernel
{
    /// <summary>Elements per vector of the accelerated loop (1: scalar only).</summary>
    private static readonly int VectorWidth = Vector256.IsHardwareAccelerated ? 8 : Vector128.IsHardwareAccelerated ? 4 : 1;

    public static void SiluMultiply(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, Span<float> output)
    {
        if (up.Length != gate.Length || output.Length != gate.Length)
        {
            throw new ArgumentException($"SiLU lengths differ: gate {gate.Length}, up {up.Length}, output {output.Length}");
        }

        fixed (float* g = gate, u = up, y = output)
        {
            int length = gate.Length;
            int i = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                var one = Vector256.Create(1f);
                for (; i + 8 <= length; i += 8)
                {
                    var gv = Vector256.Load(g + i);
                    (gv * Vector256.Load(u + i) / (one + ExpVectors.Exp(-gv))).Store(y + i);
                }
            }
            else if (Vector128.IsHardwareAccelerated)
            {
                var one = Vector128.Create(1f);
                for (; i + 4 <= length; i += 4)
                {
                    var gv = Vector128.Load(g + i);
                    (gv * Vector128.Load(u + i) / (one + ExpVectors.Exp(-gv))).Store(y + i);
                }
            }

            if (VectorWidth > 1 && i < length)
            {
                // The tail through the same vector math, padded to one vector, so an element's result does not depend
                // on where a call starts (the worker pool splits SwiGLU's rows between threads).
                float* gt = stackalloc float[8], ut = stackalloc float[8], yt = stackalloc float[8];
                int tail = length - i;
                new ReadOnlySpan<float>(g + i, tail).CopyTo(new Span<float>(gt, VectorWidth));
                new ReadOnlySpan<float>(u + i, tail).CopyTo(new Span<float>(ut, VectorWidth));
                SiluMultiply(new ReadOnlySpan<float>(gt, VectorWidth), new ReadOnlySpan<float>(ut, VectorWidth), new Span<float>(yt, VectorWidth));
                new ReadOnlySpan<float>(yt, tail).CopyTo(new Span<float>(y + i, tail));
                i = length;
            }

            for (; i < length; i++)
            {
                y[i] = g[i] * u[i] / (1f + MathF.Exp(-g[i]));
            }
        }
    }
}

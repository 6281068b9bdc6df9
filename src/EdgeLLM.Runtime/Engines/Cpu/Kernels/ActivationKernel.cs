using System.Runtime.Intrinsics;

namespace EdgeLLM.Runtime.Engines.Cpu.Kernels;

/// <summary>SwiGLU's element-wise half: output = gate · sigmoid(gate) · up.</summary>
public static unsafe class ActivationKernel
{
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
                    (gv * Vector256.Load(u + i) / (one + Vector256.Exp(-gv))).Store(y + i);
                }

                // The tail through the same vector math, so an element's result does not depend on where a call starts.
                if (i < length)
                {
                    float* gt = stackalloc float[8], ut = stackalloc float[8], yt = stackalloc float[8];
                    int tail = length - i;
                    new ReadOnlySpan<float>(g + i, tail).CopyTo(new Span<float>(gt, 8));
                    new ReadOnlySpan<float>(u + i, tail).CopyTo(new Span<float>(ut, 8));
                    var gv = Vector256.Load(gt);
                    (gv * Vector256.Load(ut) / (one + Vector256.Exp(-gv))).Store(yt);
                    new ReadOnlySpan<float>(yt, tail).CopyTo(new Span<float>(y + i, tail));
                    i = length;
                }
            }
            else if (Vector128.IsHardwareAccelerated)
            {
                var one = Vector128.Create(1f);
                for (; i + 4 <= length; i += 4)
                {
                    var gv = Vector128.Load(g + i);
                    (gv * Vector128.Load(u + i) / (one + Vector128.Exp(-gv))).Store(y + i);
                }

                if (i < length)
                {
                    float* gt = stackalloc float[4], ut = stackalloc float[4], yt = stackalloc float[4];
                    int tail = length - i;
                    new ReadOnlySpan<float>(g + i, tail).CopyTo(new Span<float>(gt, 4));
                    new ReadOnlySpan<float>(u + i, tail).CopyTo(new Span<float>(ut, 4));
                    var gv = Vector128.Load(gt);
                    (gv * Vector128.Load(ut) / (one + Vector128.Exp(-gv))).Store(yt);
                    new ReadOnlySpan<float>(yt, tail).CopyTo(new Span<float>(y + i, tail));
                    i = length;
                }
            }

            for (; i < length; i++)
            {
                y[i] = g[i] * u[i] / (1f + MathF.Exp(-g[i]));
            }
        }
    }
}

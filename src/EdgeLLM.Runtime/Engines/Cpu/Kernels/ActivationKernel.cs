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
            }
            else if (Vector128.IsHardwareAccelerated)
            {
                var one = Vector128.Create(1f);
                for (; i + 4 <= length; i += 4)
                {
                    var gv = Vector128.Load(g + i);
                    (gv * Vector128.Load(u + i) / (one + Vector128.Exp(-gv))).Store(y + i);
                }
            }

            for (; i < length; i++)
            {
                y[i] = g[i] * u[i] / (1f + MathF.Exp(-g[i]));
            }
        }
    }
}

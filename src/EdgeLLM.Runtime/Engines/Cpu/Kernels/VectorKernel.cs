using System.Runtime.Intrinsics;

namespace EdgeLLM.Runtime.Engines.Cpu.Kernels;

/// <summary>Element-wise sums (residual connections).</summary>
public static unsafe class VectorKernel
{
    public static void Add(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> output)
    {
        if (b.Length != a.Length || output.Length != a.Length)
        {
            throw new ArgumentException($"Add lengths differ: {a.Length}, {b.Length}, output {output.Length}");
        }

        fixed (float* x = a, y = b, z = output)
        {
            Sum(x, y, z, a.Length);
        }
    }

    public static void AddInPlace(Span<float> target, ReadOnlySpan<float> addend)
    {
        if (addend.Length != target.Length)
        {
            throw new ArgumentException($"AddInPlace lengths differ: target {target.Length}, addend {addend.Length}");
        }

        fixed (float* x = target, y = addend)
        {
            Sum(x, y, x, target.Length);
        }
    }

    private static void Sum(float* a, float* b, float* output, int length)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= length; i += 8)
            {
                (Vector256.Load(a + i) + Vector256.Load(b + i)).Store(output + i);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; i + 4 <= length; i += 4)
            {
                (Vector128.Load(a + i) + Vector128.Load(b + i)).Store(output + i);
            }
        }

        for (; i < length; i++)
        {
            output[i] = a[i] + b[i];
        }
    }
}

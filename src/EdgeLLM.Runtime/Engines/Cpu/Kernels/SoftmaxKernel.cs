using System.Runtime.Intrinsics;

namespace EdgeLLM.Runtime.Engines.Cpu.Kernels;

/// <summary>
/// In-place softmax, max-subtracted, fp32: 256-bit vectors where accelerated, else 128-bit (ARM64, x64 without AVX),
/// else scalar.
/// </summary>
public static unsafe class SoftmaxKernel
{
    public static void Apply(Span<float> values)
    {
        if (values.IsEmpty)
        {
            return;
        }

        fixed (float* v = values)
        {
            Apply(v, values.Length);
        }
    }

    internal static void Apply(float* values, int length)
    {
        float max = float.NegativeInfinity;
        int i = 0;
        if (Vector256.IsHardwareAccelerated && length >= 8)
        {
            var maxVector = Vector256.Create(float.NegativeInfinity);
            for (; i + 8 <= length; i += 8)
            {
                maxVector = Vector256.Max(maxVector, Vector256.Load(values + i));
            }

            for (int lane = 0; lane < 8; lane++)
            {
                max = MathF.Max(max, maxVector[lane]);
            }
        }
        else if (Vector128.IsHardwareAccelerated && length >= 4)
        {
            var maxVector = Vector128.Create(float.NegativeInfinity);
            for (; i + 4 <= length; i += 4)
            {
                maxVector = Vector128.Max(maxVector, Vector128.Load(values + i));
            }

            for (int lane = 0; lane < 4; lane++)
            {
                max = MathF.Max(max, maxVector[lane]);
            }
        }

        for (; i < length; i++)
        {
            max = MathF.Max(max, values[i]);
        }

        float sum = 0;
        i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var maxVector = Vector256.Create(max);
            var sumVector = Vector256<float>.Zero;
            for (; i + 8 <= length; i += 8)
            {
                var e = Vector256.Exp(Vector256.Load(values + i) - maxVector);
                e.Store(values + i);
                sumVector += e;
            }

            sum = Vector256.Sum(sumVector);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            // ARM64 (and x64 without AVX): the same vector exponential as the 256-bit loop, four lanes at a time.
            var maxVector = Vector128.Create(max);
            var sumVector = Vector128<float>.Zero;
            for (; i + 4 <= length; i += 4)
            {
                var e = Vector128.Exp(Vector128.Load(values + i) - maxVector);
                e.Store(values + i);
                sumVector += e;
            }

            sum = Vector128.Sum(sumVector);
        }

        for (; i < length; i++)
        {
            float e = MathF.Exp(values[i] - max);
            values[i] = e;
            sum += e;
        }

        FloatVectors.Scale(values, 1f / sum, length);
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace EdgeLLM.Runtime.Engines.Cpu.Kernels;

/// <summary>Dot products and axpy over fp32 / fp16 runs: Vector256 where accelerated, else Vector128, else scalar.</summary>
internal static unsafe class FloatVectors
{
    public static float Dot(float* a, float* b, int length)
    {
        int i = 0;
        float sum = 0;
        if (Vector256.IsHardwareAccelerated && length >= 8)
        {
            Vector256<float> acc0 = Vector256<float>.Zero, acc1 = Vector256<float>.Zero;
            for (; i + 16 <= length; i += 16)
            {
                acc0 = Vector256.FusedMultiplyAdd(Vector256.Load(a + i), Vector256.Load(b + i), acc0);
                acc1 = Vector256.FusedMultiplyAdd(Vector256.Load(a + i + 8), Vector256.Load(b + i + 8), acc1);
            }

            for (; i + 8 <= length; i += 8)
            {
                acc0 = Vector256.FusedMultiplyAdd(Vector256.Load(a + i), Vector256.Load(b + i), acc0);
            }

            sum = Vector256.Sum(acc0 + acc1);
        }
        else if (Vector128.IsHardwareAccelerated && length >= 4)
        {
            Vector128<float> acc = Vector128<float>.Zero;
            for (; i + 4 <= length; i += 4)
            {
                acc = Vector128.FusedMultiplyAdd(Vector128.Load(a + i), Vector128.Load(b + i), acc);
            }

            sum = Vector128.Sum(acc);
        }

        for (; i < length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    public static float Dot(float* a, Half* b, int length)
    {
        int i = 0;
        float sum = 0;
        if (Vector256.IsHardwareAccelerated && length >= 8)
        {
            Vector256<float> acc0 = Vector256<float>.Zero, acc1 = Vector256<float>.Zero;
            for (; i + 16 <= length; i += 16)
            {
                acc0 = Vector256.FusedMultiplyAdd(Vector256.Load(a + i), HalfVectors.Load8(b + i), acc0);
                acc1 = Vector256.FusedMultiplyAdd(Vector256.Load(a + i + 8), HalfVectors.Load8(b + i + 8), acc1);
            }

            for (; i + 8 <= length; i += 8)
            {
                acc0 = Vector256.FusedMultiplyAdd(Vector256.Load(a + i), HalfVectors.Load8(b + i), acc0);
            }

            sum = Vector256.Sum(acc0 + acc1);
        }
        else if (Vector128.IsHardwareAccelerated && length >= 4)
        {
            Vector128<float> acc = Vector128<float>.Zero;
            for (; i + 4 <= length; i += 4)
            {
                acc = Vector128.FusedMultiplyAdd(Vector128.Load(a + i), HalfVectors.Load4(b + i), acc);
            }

            sum = Vector128.Sum(acc);
        }

        for (; i < length; i++)
        {
            sum += a[i] * (float)b[i];
        }

        return sum;
    }

    /// <summary>y += alpha · x.</summary>
    public static void MultiplyAdd(float alpha, float* x, float* y, int length)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var a = Vector256.Create(alpha);
            for (; i + 8 <= length; i += 8)
            {
                Vector256.FusedMultiplyAdd(a, Vector256.Load(x + i), Vector256.Load(y + i)).Store(y + i);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            var a = Vector128.Create(alpha);
            for (; i + 4 <= length; i += 4)
            {
                Vector128.FusedMultiplyAdd(a, Vector128.Load(x + i), Vector128.Load(y + i)).Store(y + i);
            }
        }

        for (; i < length; i++)
        {
            y[i] = MathF.FusedMultiplyAdd(alpha, x[i], y[i]);
        }
    }

    /// <summary>y += alpha · x for fp16 x.</summary>
    public static void MultiplyAdd(float alpha, Half* x, float* y, int length)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var a = Vector256.Create(alpha);
            for (; i + 8 <= length; i += 8)
            {
                Vector256.FusedMultiplyAdd(a, HalfVectors.Load8(x + i), Vector256.Load(y + i)).Store(y + i);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            var a = Vector128.Create(alpha);
            for (; i + 4 <= length; i += 4)
            {
                Vector128.FusedMultiplyAdd(a, HalfVectors.Load4(x + i), Vector128.Load(y + i)).Store(y + i);
            }
        }

        for (; i < length; i++)
        {
            y[i] = MathF.FusedMultiplyAdd(alpha, (float)x[i], y[i]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Scale(float* values, float factor, int length)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var f = Vector256.Create(factor);
            for (; i + 8 <= length; i += 8)
            {
                (Vector256.Load(values + i) * f).Store(values + i);
            }
        }

        for (; i < length; i++)
        {
            values[i] *= factor;
        }
    }
}

using System.Runtime.Intrinsics;

namespace EdgeLLM.Runtime.Engines.Cpu.Kernels;

/// <summary>fp16 ↔ fp32 runs (KV cache rows, fp16 tables).</summary>
public static unsafe class HalfKernel
{
    public static void ToSingle(ReadOnlySpan<Half> source, Span<float> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException($"destination holds {destination.Length} floats, source {source.Length} halves");
        }

        fixed (Half* s = source)
        fixed (float* d = destination)
        {
            int i = 0;
            int length = source.Length;
            if (Vector256.IsHardwareAccelerated)
            {
                for (; i + 8 <= length; i += 8)
                {
                    HalfVectors.Load8(s + i).Store(d + i);
                }
            }
            else if (Vector128.IsHardwareAccelerated)
            {
                for (; i + 4 <= length; i += 4)
                {
                    HalfVectors.Load4(s + i).Store(d + i);
                }
            }

            for (; i < length; i++)
            {
                d[i] = (float)s[i];
            }
        }
    }

    /// <summary>
    /// Block scales fp16 → fp32: the same exact results as <see cref="ToSingle"/> with the shorter multiply-based vector
    /// conversion (<see cref="HalfVectors.ToSingleByScaling"/>) where 256-bit vectors are accelerated.
    /// </summary>
    public static void ScalesToSingle(ReadOnlySpan<Half> source, Span<float> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException($"destination holds {destination.Length} floats, source {source.Length} halves");
        }

        if (!Vector256.IsHardwareAccelerated)
        {
            ToSingle(source, destination);
            return;
        }

        fixed (Half* s = source)
        fixed (float* d = destination)
        {
            int i = 0;
            int length = source.Length;
            for (; i + 8 <= length; i += 8)
            {
                HalfVectors.Load8ByScaling(s + i).Store(d + i);
            }

            ToSingle(source[i..], destination[i..]);
        }
    }

    public static void ToHalf(ReadOnlySpan<float> source, Span<Half> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException($"destination holds {destination.Length} halves, source {source.Length} floats");
        }

        for (int i = 0; i < source.Length; i++)
        {
            destination[i] = (Half)source[i];
        }
    }
}

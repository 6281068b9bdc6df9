using System.Runtime.Intrinsics;

namespace EdgeLLM.Runtime.Engines.Cpu.Kernels;

/// <summary>y = x / sqrt(mean(x²) + eps) · w (ONNX Runtime's SimplifiedLayerNormalization, fp32 accumulation).</summary>
public static unsafe class RmsNormKernel
{
    public static void Apply(ReadOnlySpan<float> input, ReadOnlySpan<float> weight, float epsilon, Span<float> output)
    {
        if (weight.Length != input.Length || output.Length != input.Length)
        {
            throw new ArgumentException($"RMSNorm lengths differ: input {input.Length}, weight {weight.Length}, output {output.Length}");
        }

        fixed (float* x = input, w = weight, y = output)
        {
            int length = input.Length;
            float sumOfSquares = FloatVectors.Dot(x, x, length);
            float factor = 1f / MathF.Sqrt((sumOfSquares / length) + epsilon);
            int i = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                var f = Vector256.Create(factor);
                for (; i + 8 <= length; i += 8)
                {
                    (Vector256.Load(x + i) * f * Vector256.Load(w + i)).Store(y + i);
                }
            }

            for (; i < length; i++)
            {
                y[i] = x[i] * factor * w[i];
            }
        }
    }
}

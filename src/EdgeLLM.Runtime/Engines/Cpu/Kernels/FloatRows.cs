namespace EdgeLLM.Runtime.Engines.Cpu.Kernels;

/// <summary>
/// fp32 / fp16 weight layouts: OutputMajor [N, K] rows are dot products with the input; InputMajor [K, N] is a sum of
/// input-scaled weight rows over a column range. <c>vectorized</c> false is the scalar reference.
/// </summary>
internal static unsafe class FloatRows
{
    /// <summary>output[t, o] for rows [firstRow, endRow) of an OutputMajor matrix (output index o = row − rowBase).</summary>
    public static void OutputMajor(
        in WeightMatrix weight, int firstRow, int endRow, int rowBase, float* input, int tokenCount, float* output, int outputStride, bool vectorized)
    {
        int inputCount = weight.InputCount;
        bool half = weight.Layout == WeightLayout.Float16OutputMajor;
        for (int row = firstRow; row < endRow; row++)
        {
            long rowOffset = (long)row * inputCount;
            for (int token = 0; token < tokenCount; token++)
            {
                float* x = input + ((long)token * inputCount);
                float value;
                if (half)
                {
                    Half* w = (Half*)weight.Values + rowOffset;
                    value = vectorized ? FloatVectors.Dot(x, w, inputCount) : ScalarDot(x, w, inputCount);
                }
                else
                {
                    float* w = (float*)weight.Values + rowOffset;
                    value = vectorized ? FloatVectors.Dot(x, w, inputCount) : ScalarDot(x, w, inputCount);
                }

                output[((long)token * outputStride) + row - rowBase] = value;
            }
        }
    }

    /// <summary>output[t, o] for columns [firstColumn, endColumn) of an InputMajor matrix (o = column − columnBase).</summary>
    public static void InputMajor(
        in WeightMatrix weight, int firstColumn, int endColumn, int columnBase, float* input, int tokenCount, float* output, int outputStride, bool vectorized)
    {
        int inputCount = weight.InputCount;
        int outputCount = weight.OutputCount;
        int width = endColumn - firstColumn;
        bool half = weight.Layout == WeightLayout.Float16InputMajor;
        for (int token = 0; token < tokenCount; token++)
        {
            float* x = input + ((long)token * inputCount);
            float* y = output + ((long)token * outputStride) + firstColumn - columnBase;
            new Span<float>(y, width).Clear();
            for (int k = 0; k < inputCount; k++)
            {
                long offset = ((long)k * outputCount) + firstColumn;
                if (half)
                {
                    Half* w = (Half*)weight.Values + offset;
                    if (vectorized)
                    {
                        FloatVectors.MultiplyAdd(x[k], w, y, width);
                    }
                    else
                    {
                        for (int i = 0; i < width; i++)
                        {
                            y[i] += x[k] * (float)w[i];
                        }
                    }
                }
                else
                {
                    float* w = (float*)weight.Values + offset;
                    if (vectorized)
                    {
                        FloatVectors.MultiplyAdd(x[k], w, y, width);
                    }
                    else
                    {
                        for (int i = 0; i < width; i++)
                        {
                            y[i] += x[k] * w[i];
                        }
                    }
                }
            }
        }
    }

    private static float ScalarDot(float* x, float* w, int length)
    {
        float sum = 0;
        for (int i = 0; i < length; i++)
        {
            sum += x[i] * w[i];
        }

        return sum;
    }

    private static float ScalarDot(float* x, Half* w, int length)
    {
        float sum = 0;
        for (int i = 0; i < length; i++)
        {
            sum += x[i] * (float)w[i];
        }

        return sum;
    }
}

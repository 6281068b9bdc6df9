using EdgeLLM.Runtime.Engines.Cpu.Threading;

namespace EdgeLLM.Runtime.Engines.Cpu.Kernels;

/// <summary>One linear layer call split over output rows (or InputMajor columns): what each worker runs.</summary>
internal unsafe struct LinearWork : IRangeWork
{
    public WeightMatrix Weight;
    public KernelIsa Isa;
    public int FirstOutput;
    public int TokenCount;
    public float* Input;
    public float* Output;
    public int OutputStride;
    public LinearScratch Scratch;

    public void Execute(int start, int end)
    {
        int first = FirstOutput + start;
        int last = FirstOutput + end;
        switch (Weight.Layout)
        {
            case WeightLayout.Float32OutputMajor:
            case WeightLayout.Float16OutputMajor:
                FloatRows.OutputMajor(Weight, first, last, FirstOutput, Input, TokenCount, Output, OutputStride, Isa != KernelIsa.Scalar);
                break;
            case WeightLayout.Float32InputMajor:
            case WeightLayout.Float16InputMajor:
                FloatRows.InputMajor(Weight, first, last, FirstOutput, Input, TokenCount, Output, OutputStride, Isa != KernelIsa.Scalar);
                break;
            default:
                QuantizedRows(first, last);
                break;
        }
    }

    private void QuantizedRows(int first, int last)
    {
        if (Isa is KernelIsa.Avx2 or KernelIsa.AvxVnni && QuantizedRowsAvx2.RunsRange(Weight))
        {
            QuantizedRowsAvx2.Range(Weight, first, last, FirstOutput, Scratch, TokenCount, Output, OutputStride, Isa == KernelIsa.AvxVnni);
            return;
        }

        if (Isa is KernelIsa.AdvSimd or KernelIsa.AdvSimdDotProd)
        {
            QuantizedRowsArm64.Range(Weight, first, last, FirstOutput, Scratch, TokenCount, Output, OutputStride, Isa == KernelIsa.AdvSimdDotProd);
            return;
        }

        int blockCount = Weight.BlockCount;
        float* halfScales = stackalloc float[Weight.ScalesAreHalf ? 4 * blockCount : 0];
        float** rowScales = stackalloc float*[4];
        float* results = stackalloc float[4];
        for (int row = first; row < last; row += 4)
        {
            int rowCount = Math.Min(4, last - row);
            for (int i = 0; i < rowCount; i++)
            {
                long scaleOffset = (long)(row + i) * blockCount;
                if (Weight.ScalesAreHalf)
                {
                    rowScales[i] = halfScales + (i * blockCount);
                    HalfKernel.ScalesToSingle(new ReadOnlySpan<Half>((Half*)Weight.Scales + scaleOffset, blockCount), new Span<float>(rowScales[i], blockCount));
                }
                else
                {
                    rowScales[i] = (float*)Weight.Scales + scaleOffset;
                }
            }

            for (int token = 0; token < TokenCount; token++)
            {
                var activations = QuantizedActivations.ForToken(Scratch, token);
                float* y = Output + ((long)token * OutputStride) + row - FirstOutput;
                switch (Isa)
                {
                    case KernelIsa.Avx2:
                    case KernelIsa.AvxVnni:
                        QuantizedRowsAvx2.Rows4(Weight, row, rowCount, rowScales, activations, results, Isa == KernelIsa.AvxVnni);
                        for (int i = 0; i < rowCount; i++)
                        {
                            y[i] = results[i];
                        }

                        break;
                    case KernelIsa.Vector128:
                        for (int i = 0; i < rowCount; i++)
                        {
                            y[i] = QuantizedRowsVector128.Row(Weight, row + i, rowScales[i], activations);
                        }

                        break;
                    default:
                        for (int i = 0; i < rowCount; i++)
                        {
                            y[i] = QuantizedRowsScalar.Row(Weight, row + i, rowScales[i], activations);
                        }

                        break;
                }
            }
        }
    }
}

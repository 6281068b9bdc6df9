namespace EdgeLLM.Runtime.Engines.Cpu.Kernels;

/// <summary>One row of an OutputMajor float matrix or of a block-quantized matrix (GatherBlockQuantized), dequantized.</summary>
public static unsafe class EmbeddingKernel
{
    public static void GatherRow(in WeightMatrix weight, int row, Span<float> output)
    {
        weight.Validate();
        if ((uint)row >= (uint)weight.OutputCount)
        {
            throw new ArgumentOutOfRangeException(nameof(row), $"row {row} is outside the {weight.OutputCount} rows of the table");
        }

        int inputCount = weight.InputCount;
        if (output.Length < inputCount)
        {
            throw new ArgumentException($"output holds {output.Length} floats, the row {inputCount}", nameof(output));
        }

        switch (weight.Layout)
        {
            case WeightLayout.Float32OutputMajor:
                new ReadOnlySpan<float>((float*)weight.Values + ((long)row * inputCount), inputCount).CopyTo(output);
                break;
            case WeightLayout.Float16OutputMajor:
                HalfKernel.ToSingle(new ReadOnlySpan<Half>((Half*)weight.Values + ((long)row * inputCount), inputCount), output);
                break;
            case WeightLayout.Int8Blocks:
            case WeightLayout.Int4Blocks:
                Dequantize(weight, row, output);
                break;
            default:
                throw new ArgumentException($"layout {weight.Layout} has no rows to gather (InputMajor stores columns)");
        }
    }

    private static void Dequantize(in WeightMatrix weight, int row, Span<float> output)
    {
        byte* rowBytes = (byte*)weight.Values + ((long)row * weight.RowBytes);
        bool int4 = weight.Layout == WeightLayout.Int4Blocks;
        int blockSize = weight.BlockSize;
        for (int block = 0; block < weight.BlockCount; block++)
        {
            float scale = weight.Scale(row, block);
            int zeroPoint = weight.ZeroPoint(row, block);
            int start = block * blockSize;
            int end = Math.Min(start + blockSize, weight.InputCount);
            for (int k = start; k < end; k++)
            {
                int code = int4 ? (rowBytes[k >> 1] >> ((k & 1) * 4)) & 0xF : rowBytes[k];
                output[k] = (code - zeroPoint) * scale;
            }
        }
    }
}

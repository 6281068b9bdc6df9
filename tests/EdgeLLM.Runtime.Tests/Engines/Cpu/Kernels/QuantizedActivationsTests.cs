using EdgeLLM.Runtime.Engines.Cpu.Kernels;

namespace EdgeLLM.Runtime.Tests.Engines.Cpu.Kernels;

public sealed unsafe class QuantizedActivationsTests
{
    /// <summary>Whole blocks (vector path) and the partial last block (scalar path) give the same codes: ties round to even.</summary>
    [Theory]
    [InlineData(16, false)]
    [InlineData(32, true)]
    [InlineData(64, true)]
    [InlineData(256, false)]
    public void CodesScalesAndSumsFollowTheDefinition(int blockSize, bool nibbleOrder)
    {
        int inputCount = (3 * blockSize) - 5;
        var input = new float[inputCount];
        var random = new Random(blockSize);
        for (int i = 0; i < inputCount; i++)
        {
            // max |x| = 127 in every block, so x · 127/max = x: halves are exact ties.
            input[i] = i % blockSize == 0 ? 127f : (random.Next(-254, 255) / 2f);
        }

        var scratch = new LinearScratch(1, inputCount, 1);
        var activations = QuantizedActivations.ForToken(scratch, 0);
        fixed (float* x = input)
        {
            activations.Quantize(x, inputCount, blockSize, nibbleOrder);
        }

        int blockCount = 3;
        int paddedCount = blockCount * blockSize;
        for (int block = 0; block < blockCount; block++)
        {
            Assert.Equal(1f, activations.BlockScales[block]);
            int sum = 0;
            for (int i = 0; i < blockSize; i++)
            {
                int k = (block * blockSize) + i;
                int expected = k < inputCount ? (int)Math.Round(input[k], MidpointRounding.ToEven) : 0;
                int position = nibbleOrder ? QuantizedActivations.NibblePosition(k, paddedCount) : k;
                Assert.True(expected == activations.Codes[position], $"block {block} k {k}: {activations.Codes[position]} vs {expected} (x {input[k % inputCount]})");
                sum += expected;
            }

            Assert.Equal(sum, activations.BlockSums[block]);
        }

        if (nibbleOrder)
        {
            for (int lane = 0; lane < paddedCount / 8; lane++)
            {
                int sum = 0;
                for (int k = lane * 8; k < (lane * 8) + 8; k++)
                {
                    sum += k < inputCount ? (int)Math.Round(input[k], MidpointRounding.ToEven) : 0;
                }

                Assert.Equal(8 * sum, activations.LaneZeroPointSums[lane]);
            }
        }
    }
}

using System.Runtime.Intrinsics;
using EdgeLLM.Runtime.Engines.Cpu.Kernels;
using EdgeLLM.Runtime.Engines.Cpu.Threading;

namespace EdgeLLM.Runtime.Tests.Engines.Cpu.Kernels;

/// <summary>
/// The CPU kernels whose code differs by instruction set, against exact references: the quantized linear kernels
/// against the exact block sums over every format and the shapes that reach each kernel path (odd block counts,
/// padded K, partial row groups, one and several tokens), the int8 activation codes against their definition (ties
/// round to even), softmax and SwiGLU's vector exponential against double precision. Run here by
/// <see cref="QuantizedLinearKernelTests"/> and <see cref="ElementwiseKernelTests"/> for the host's vector widths
/// and, under qemu, by the linux-arm64 build of tests/tools/EdgeLLM.KernelCheck for the ARM ones.
/// </summary>
internal static unsafe class KernelAgreement
{
    /// <summary>Bits, block size, stored zero points, fp16 scales: every combination the converter writes.</summary>
    public static IEnumerable<(int Bits, int BlockSize, bool Asymmetric, bool HalfScales)> Formats()
    {
        foreach (int bits in new[] { 4, 8 })
        {
            foreach (int blockSize in new[] { 16, 32, 64, 128, 256 })
            {
                foreach (bool asymmetric in new[] { false, true })
                {
                    foreach (bool halfScales in new[] { false, true })
                    {
                        yield return (bits, blockSize, asymmetric, halfScales);
                    }
                }
            }
        }
    }

    /// <summary>The weight matrices and token counts checked for one format.</summary>
    public static IEnumerable<KernelCase> Cases(int bits, int blockSize, bool asymmetric, bool halfScales)
    {
        int seed = (bits * 1000) + blockSize + (asymmetric ? 7 : 0) + (halfScales ? 11 : 0);
        // 4 and 8 blocks give whole 64-input steps at block 16 (the AVX2 range kernel's path), 3 and 5 its fallback
        // (and the ARM kernel's scalar last block).
        foreach (int blockCount in new[] { 1, 2, 3, 4, 5, 8 })
        {
            foreach (int padding in new[] { 0, 1, (blockSize / 2) + 3 })
            {
                int inputCount = (blockSize * blockCount) - padding;
                if (inputCount <= 0)
                {
                    continue;
                }

                foreach (int outputCount in new[] { 1, 6, 13 })
                {
                    var weights = new QuantizedWeights(outputCount, inputCount, bits, blockSize, asymmetric, halfScales, seed++);
                    // 13 and 5 tokens: passes of eight and of four tokens, plus the tokens after them one by one.
                    yield return new KernelCase(weights, blockCount switch { 3 => 3, 4 => 13, 8 => 5, _ => 1 }, seed++);
                }
            }
        }
    }

    /// <summary>
    /// Quantizes three blocks (the last partial) whose max |x| is 127, so every code is x rounded half to even and every
    /// half is a tie: null when codes, scales, block sums and (nibble order) lane sums follow the definition, else the
    /// first that does not. Whole blocks take the vector path, the partial one the scalar path.
    /// </summary>
    public static string? ActivationCodesDisagreement(int blockSize, bool nibbleOrder)
    {
        int inputCount = (3 * blockSize) - 5;
        var input = new float[inputCount];
        var random = new Random(blockSize);
        for (int i = 0; i < inputCount; i++)
        {
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
        int Expected(int k) => k < inputCount ? (int)Math.Round(input[k], MidpointRounding.ToEven) : 0;
        string where = $"activations of block size {blockSize}{(nibbleOrder ? " in nibble order" : string.Empty)}";
        for (int block = 0; block < blockCount; block++)
        {
            if (activations.BlockScales[block] != 1f)
            {
                return $"{where}: block {block} scale {activations.BlockScales[block]}, expected 1";
            }

            int sum = 0;
            for (int k = block * blockSize; k < (block + 1) * blockSize; k++)
            {
                int position = nibbleOrder ? QuantizedActivations.NibblePosition(k, paddedCount) : k;
                if (activations.Codes[position] != Expected(k))
                {
                    return $"{where}: k {k} code {activations.Codes[position]}, expected {Expected(k)} (x {input[k % inputCount]})";
                }

                sum += Expected(k);
            }

            if (activations.BlockSums[block] != sum)
            {
                return $"{where}: block {block} code sum {activations.BlockSums[block]}, expected {sum}";
            }
        }

        for (int lane = 0; nibbleOrder && lane < paddedCount / 8; lane++)
        {
            int sum = Enumerable.Range(lane * 8, 8).Sum(Expected);
            if (activations.LaneZeroPointSums[lane] != 8 * sum)
            {
                return $"{where}: lane {lane} zero-point sum {activations.LaneZeroPointSums[lane]}, expected {8 * sum}";
            }
        }

        return null;
    }

    /// <summary>
    /// Softmax of <paramref name="length"/> values spread over ±60 against double precision: null when every result is
    /// within 1e-6 + 1e-5 relative, else the first that is not.
    /// </summary>
    public static string? SoftmaxDisagreement(int length)
    {
        float[] values = RandomInput(length, length);
        for (int i = 0; i < length; i++)
        {
            values[i] *= 30;
        }

        double max = values.Max();
        double total = values.Sum(v => Math.Exp(v - max));
        float[] expected = [.. values.Select(v => (float)(Math.Exp(v - max) / total))];
        SoftmaxKernel.Apply(values);
        for (int i = 0; i < length; i++)
        {
            if (!(Math.Abs(values[i] - expected[i]) <= 1e-6 + (1e-5 * expected[i])))
            {
                return $"softmax of {length}: index {i} is {values[i]}, double precision gives {expected[i]}";
            }
        }

        return null;
    }

    /// <summary>
    /// <see cref="ExpVectors"/> over [−87, 88) (every 1/128, plus the clamped ends) against double precision, within
    /// 2.5e-7 relative, and its 256-bit and 128-bit forms equal bit for bit where both run: null when all agree.
    /// </summary>
    public static string? ExpDisagreement()
    {
        float* x = stackalloc float[8];
        float* results = stackalloc float[8];
        for (int i = -87 * 64; i < 88 * 64; i += 4)
        {
            for (int lane = 0; lane < 8; lane++)
            {
                x[lane] = (i + (lane / 2)) / 64f + (lane % 2 == 0 ? 0 : 1f / 128);
            }

            if (Vector128.IsHardwareAccelerated)
            {
                ExpVectors.Exp(Vector128.Load(x)).Store(results);
                ExpVectors.Exp(Vector128.Load(x + 4)).Store(results + 4);
            }

            for (int lane = 0; lane < 8; lane++)
            {
                double expected = Math.Exp(x[lane]);
                if (Vector128.IsHardwareAccelerated && !(Math.Abs(results[lane] - expected) <= 2.5e-7 * expected))
                {
                    return $"exp({x[lane]}): 128-bit {results[lane]}, double precision {expected}";
                }
            }

            if (Vector256.IsHardwareAccelerated)
            {
                Vector256<float> wide = ExpVectors.Exp(Vector256.Load(x));
                for (int lane = 0; lane < 8; lane++)
                {
                    double expected = Math.Exp(x[lane]);
                    if (!(Math.Abs(wide[lane] - expected) <= 2.5e-7 * expected))
                    {
                        return $"exp({x[lane]}): 256-bit {wide[lane]}, double precision {expected}";
                    }

                    if (Vector128.IsHardwareAccelerated && BitConverter.SingleToInt32Bits(wide[lane]) != BitConverter.SingleToInt32Bits(results[lane]))
                    {
                        return $"exp({x[lane]}): 256-bit {wide[lane]} differs from 128-bit {results[lane]}";
                    }
                }
            }
        }

        float low = ExpVectors.Exp(Vector128.Create(-200f)).GetElement(0), high = ExpVectors.Exp(Vector128.Create(200f)).GetElement(0);
        return Math.Abs(low - Math.Pow(2, -126)) <= 1e-5 * Math.Pow(2, -126) && float.IsFinite(high) && high > 1e38f ? null : $"exp clamps: exp(-200) = {low}, exp(200) = {high}";
    }

    /// <summary>Uniform values in [-2, 2), with one all-zero stretch (a block of max |x| = 0 must give 0, never NaN).</summary>
    public static float[] RandomInput(int length, int seed)
    {
        var random = new Random(seed);
        var input = new float[length];
        for (int i = 0; i < length; i++)
        {
            input[i] = (float)((random.NextDouble() * 4) - 2);
        }

        if (length > 40)
        {
            Array.Clear(input, 3, 20);
        }

        return input;
    }
}

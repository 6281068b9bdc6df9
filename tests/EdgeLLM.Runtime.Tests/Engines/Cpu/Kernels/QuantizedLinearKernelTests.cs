using System.Runtime.CompilerServices;
using EdgeLLM.Runtime.Engines.Cpu.Kernels;
using EdgeLLM.Runtime.Engines.Cpu.Threading;

namespace EdgeLLM.Runtime.Tests.Engines.Cpu.Kernels;

public sealed class QuantizedLinearKernelTests
{
    public static TheoryData<int, int, bool, bool> Formats()
    {
        var data = new TheoryData<int, int, bool, bool>();
        foreach ((int bits, int blockSize, bool asymmetric, bool halfScales) in KernelAgreement.Formats())
        {
            data.Add(bits, blockSize, asymmetric, halfScales);
        }

        return data;
    }

    /// <summary>Every supported ISA and thread count against the exact block sums, over odd block counts and padded K.</summary>
    [Theory]
    [MemberData(nameof(Formats))]
    public void EveryIsaMatchesTheExactBlockSums(int bits, int blockSize, bool asymmetric, bool halfScales)
    {
        using WorkerPool one = new(1), two = new(2), three = new(3);
        WorkerPool[] pools = [one, two, three];
        foreach (KernelCase kernelCase in KernelAgreement.Cases(bits, blockSize, asymmetric, halfScales))
        {
            foreach (var isa in KernelSet.Supported())
            {
                foreach (WorkerPool pool in pools)
                {
                    string? disagreement = kernelCase.Disagreement(isa, pool);
                    Assert.True(disagreement is null, disagreement);
                }
            }
        }
    }

    [Fact]
    public void RowSubsetWritesOnlyThoseRows()
    {
        var weights = new QuantizedWeights(21, 100, 4, 32, asymmetric: false, halfScalesWanted: false, seed: 5);
        float[] input = KernelAgreement.RandomInput(2 * 100, 9);
        var scratch = new LinearScratch(2, 100, 2);
        using var pool = new WorkerPool(2);
        foreach (var isa in KernelSet.Supported())
        {
            var output = new float[2 * 7];
            KernelSet.For(isa).Linear.Multiply(weights.Matrix, 9, 7, input, 2, output, scratch, pool);
            for (int token = 0; token < 2; token++)
            {
                for (int i = 0; i < 7; i++)
                {
                    var reference = weights.Reference(input.AsSpan(token * 100, 100), 9 + i);
                    Assert.True(
                        Math.Abs(output[(token * 7) + i] - reference.Value) <= 1e-5 * reference.Magnitude,
                        $"{isa} token {token} row {9 + i}: {output[(token * 7) + i]} vs {reference.Value}");
                }
            }
        }
    }

    /// <summary>
    /// The several-token kernels at the extremes of their integer sums: every nibble 15 (or 0) against codes ±127. In
    /// the AVX2 four-token kernel a block's 16 low and 16 high products reach ±30,480 while still int16, 287 short of
    /// overflow; each row must still be exactly (nibble − 8) · ±1 per input.
    /// </summary>
    [Fact]
    public unsafe void SeveralTokenSumsAtTheirExtremesAreExact()
    {
        const int InputCount = 256, OutputCount = 5, TokenCount = 13; // 8 + 4 + 1: every token path
        byte[] packed = GC.AllocateArray<byte>(OutputCount * InputCount / 2, pinned: true);
        float[] scales = GC.AllocateArray<float>(OutputCount * InputCount / 32, pinned: true);
        byte[] rowBytes = [0xFF, 0x00, 0xFF, 0xFF, 0x00];
        for (int row = 0; row < OutputCount; row++)
        {
            packed.AsSpan(row * InputCount / 2, InputCount / 2).Fill(rowBytes[row]);
        }

        scales.AsSpan().Fill(1f);
        var matrix = new WeightMatrix
        {
            Layout = WeightLayout.Int4Blocks,
            OutputCount = OutputCount,
            InputCount = InputCount,
            BlockSize = 32,
            Values = (nint)Unsafe.AsPointer(ref packed[0]),
            Scales = (nint)Unsafe.AsPointer(ref scales[0]),
        };
        var input = new float[TokenCount * InputCount];
        for (int token = 0; token < TokenCount; token++)
        {
            input.AsSpan(token * InputCount, InputCount).Fill(token % 2 == 0 ? 1f : -1f);
        }

        var scratch = new LinearScratch(TokenCount, InputCount, 2);
        using var pool = new WorkerPool(2);
        foreach (var isa in KernelSet.Supported())
        {
            var output = new float[TokenCount * OutputCount];
            KernelSet.For(isa).Linear.Multiply(matrix, input, TokenCount, output, scratch, pool);
            for (int token = 0; token < TokenCount; token++)
            {
                for (int row = 0; row < OutputCount; row++)
                {
                    // Codes ±127 with activation scale 1/127: each input contributes (nibble − 8) · ±1.
                    double expected = ((rowBytes[row] & 0x0F) - 8) * (token % 2 == 0 ? 1.0 : -1.0) * InputCount;
                    float actual = output[(token * OutputCount) + row];
                    Assert.True(Math.Abs(actual - expected) <= 1e-5 * Math.Abs(expected), $"{isa} token {token} row {row}: {actual} vs {expected}");
                }
            }
        }
    }

    [Fact]
    public void ScratchTooSmallIsOneClearError()
    {
        var weights = new QuantizedWeights(4, 64, 4, 32, asymmetric: false, halfScalesWanted: false, seed: 1);
        var scratch = new LinearScratch(1, 32, 1);
        using var pool = new WorkerPool(1);
        var exception = Assert.Throws<ArgumentException>(
            () => KernelSet.For(KernelIsa.Scalar).Linear.Multiply(weights.Matrix, new float[64], 1, new float[4], scratch, pool));
        Assert.Contains("scratch", exception.Message);
    }
}

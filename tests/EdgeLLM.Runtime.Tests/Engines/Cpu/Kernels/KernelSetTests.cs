using EdgeLLM.Runtime.Engines.Cpu.Kernels;

namespace EdgeLLM.Runtime.Tests.Engines.Cpu.Kernels;

public sealed class KernelSetTests
{
    [Fact]
    public void DetectPicksASupportedIsaAndForRejectsAbsentOnes()
    {
        var detected = KernelSet.Detect();
        Assert.True(KernelSet.IsSupported(detected.Isa));
        Assert.False(string.IsNullOrWhiteSpace(detected.Description));
        Assert.Contains(KernelIsa.Scalar, KernelSet.Supported());
        foreach (var isa in Enum.GetValues<KernelIsa>())
        {
            if (KernelSet.IsSupported(isa))
            {
                Assert.Equal(isa, KernelSet.For(isa).Isa);
            }
            else
            {
                Assert.Throws<PlatformNotSupportedException>(() => KernelSet.For(isa));
            }
        }
    }

    [Fact]
    public void NibbleOrderIsAPermutationOfEveryPaddedLength()
    {
        for (int padded = 16; padded <= 1024; padded += 16)
        {
            var seen = new bool[padded];
            for (int k = 0; k < padded; k++)
            {
                int position = QuantizedActivations.NibblePosition(k, padded);
                Assert.InRange(position, 0, padded - 1);
                Assert.False(seen[position], $"padded {padded}: position {position} used twice");
                seen[position] = true;
            }
        }
    }
}

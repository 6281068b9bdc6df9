using EdgeLLM.Runtime.Engines.Cpu.Kernels;

namespace EdgeLLM.Runtime.Tests.Engines.Cpu.Kernels;

public sealed class QuantizedActivationsTests
{
    /// <summary>Whole blocks (vector path) and the partial last block (scalar path) give the same codes: ties round to even.</summary>
    [Theory]
    [InlineData(16, false)]
    [InlineData(32, true)]
    [InlineData(64, true)]
    [InlineData(256, false)]
    public void CodesScalesAndSumsFollowTheDefinition(int blockSize, bool nibbleOrder)
    {
        string? disagreement = KernelAgreement.ActivationCodesDisagreement(blockSize, nibbleOrder);
        Assert.True(disagreement is null, disagreement);
    }
}

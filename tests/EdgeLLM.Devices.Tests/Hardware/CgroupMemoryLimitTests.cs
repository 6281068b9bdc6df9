using EdgeLLM.Devices.Hardware;

namespace EdgeLLM.Devices.Tests.Hardware;

public sealed class CgroupMemoryLimitTests
{
    private static readonly MemoryStatus Host = MemInfoParser.Parse(Captures.Pi5MemInfo); // 8,443,510,784 total, 7,807,008,768 available

    [Fact]
    public void V2Limit_ClampsTotalAndAvailable()
    {
        // A 2 GiB container that already uses 300 MiB.
        MemoryStatus limited = CgroupMemoryLimit.Apply(Host, "2147483648\n", "314572800\n");

        Assert.Equal(2_147_483_648, limited.TotalBytes);
        Assert.Equal(2_147_483_648 - 314_572_800, limited.AvailableBytes);
        Assert.Equal(Host.SwapTotalBytes, limited.SwapTotalBytes);
    }

    [Theory]
    [InlineData("max\n")]                  // cgroup v2 without a limit
    [InlineData("9223372036854771712\n")]  // cgroup v1 without a limit
    [InlineData(null)]                     // no cgroup file
    public void NoLimit_LeavesTheHostFigures(string? limit)
    {
        Assert.Equal(Host, CgroupMemoryLimit.Apply(Host, limit, "1000"));
    }

    [Fact]
    public void LimitAboveAvailable_KeepsTheHostsAvailable()
    {
        // 8 GB limit, 10 MB used: the host's 7.8 GB available is the smaller figure.
        MemoryStatus limited = CgroupMemoryLimit.Apply(Host, "8000000000", "10000000");

        Assert.Equal(8_000_000_000, limited.TotalBytes);
        Assert.Equal(Host.AvailableBytes, limited.AvailableBytes);
    }
}

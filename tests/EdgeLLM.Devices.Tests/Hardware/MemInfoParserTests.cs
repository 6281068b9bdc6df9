using EdgeLLM.Devices.Hardware;
using EdgeLLM.Format;

namespace EdgeLLM.Devices.Tests.Hardware;

public sealed class MemInfoParserTests
{
    [Fact]
    public void RaspberryPi4_ReadsTotalAvailableAndSwapInBytes()
    {
        MemoryStatus memory = MemInfoParser.Parse(Captures.Pi4MemInfo);

        Assert.Equal(3884428L * 1024, memory.TotalBytes);
        Assert.Equal(3509832L * 1024, memory.AvailableBytes);
        Assert.Equal(102396L * 1024, memory.SwapTotalBytes);
        Assert.Equal(102396L * 1024, memory.SwapFreeBytes);
    }

    [Fact]
    public void RaspberryPi5_ReadsEightGigabytes()
    {
        MemoryStatus memory = MemInfoParser.Parse(Captures.Pi5MemInfo);

        Assert.Equal(8245616L * 1024, memory.TotalBytes);
        Assert.Equal(7624032L * 1024, memory.AvailableBytes);
        Assert.Equal(2097136L * 1024, memory.SwapTotalBytes);
    }

    [Fact]
    public void OldKernelWithoutMemAvailable_UsesFreePlusCaches()
    {
        MemoryStatus memory = MemInfoParser.Parse(Captures.LaptopMemInfoWithoutMemAvailable);

        // MemFree 6120844 + Buffers 412680 + Cached 4012540 = 10546064 kB.
        Assert.Equal(10546064L * 1024, memory.AvailableBytes);
        Assert.Equal(16266508L * 1024, memory.TotalBytes);
    }

    [Fact]
    public void MissingMemTotal_IsRejected()
    {
        var error = Assert.Throws<EdgeLlmException>(() => MemInfoParser.Parse("MemFree: 100 kB\n"));
        Assert.Equal("/proc/meminfo: no 'MemTotal' line", error.Message);
    }
}

namespace EdgeLLM.Devices.Hardware;

/// <summary>Linux: /proc/cpuinfo, /proc/meminfo (clamped to a container's cgroup limit), the device tree's model, and the CUDA driver.</summary>
public sealed class LinuxPlatformProbe : IPlatformProbe
{
    private static readonly string[] DeviceTreeModelPaths = ["/proc/device-tree/model", "/sys/firmware/devicetree/base/model"];

    public CpuDescription ReadCpu() => CpuInfoParser.Parse(File.ReadAllText("/proc/cpuinfo"));

    public MemoryStatus ReadMemory() => CgroupMemoryLimit.Apply(MemInfoParser.Parse(File.ReadAllText("/proc/meminfo")));

    public BoardModel? ReadBoard()
    {
        string? path = DeviceTreeModelPaths.FirstOrDefault(File.Exists);
        return path is null ? null : BoardModel.Parse(File.ReadAllText(path));
    }

    public IReadOnlyList<GpuAdapter> ReadGpus() => CudaProbe.Enumerate();
}

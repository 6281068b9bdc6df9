namespace EdgeLLM.Devices.Hardware;

/// <summary>One operating system's way of reading the machine; <see cref="HardwareProbe"/> picks one.</summary>
public interface IPlatformProbe
{
    CpuDescription ReadCpu();

    MemoryStatus ReadMemory();

    /// <summary>The board's device-tree name, or null where there is no device tree (PCs, Macs).</summary>
    BoardModel? ReadBoard();

    IReadOnlyList<GpuAdapter> ReadGpus();
}

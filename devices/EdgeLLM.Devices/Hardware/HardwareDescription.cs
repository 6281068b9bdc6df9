namespace EdgeLLM.Devices.Hardware;

/// <summary>Everything detected about this machine, in one value the profile matcher and planner read.</summary>
/// <param name="OperatingSystem">"linux", "windows" or "macos".</param>
/// <param name="Cpu">The processor.</param>
/// <param name="Memory">RAM and swap.</param>
/// <param name="Board">The device-tree board (Raspberry Pi and other SBCs), or null.</param>
/// <param name="Gpus">GPUs DirectML or CUDA can use.</param>
public sealed record HardwareDescription(
    string OperatingSystem,
    CpuDescription Cpu,
    MemoryStatus Memory,
    BoardModel? Board,
    IReadOnlyList<GpuAdapter> Gpus);

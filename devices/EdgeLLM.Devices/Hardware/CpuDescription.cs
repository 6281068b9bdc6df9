using System.Runtime.InteropServices;

namespace EdgeLLM.Devices.Hardware;

/// <summary>What EdgeLLM knows about the processor: enough to pick kernels, threads and a profile.</summary>
/// <param name="Architecture">Instruction set of the operating system (x64, arm64, ...).</param>
/// <param name="ModelName">Marketing name ("AMD Ryzen 7 5800U") or, on ARM, the core ("ARM Cortex-A72").</param>
/// <param name="PhysicalCoreCount">Cores without SMT siblings.</param>
/// <param name="LogicalCoreCount">Hardware threads the OS schedules.</param>
/// <param name="Features">SIMD extensions present.</param>
public sealed record CpuDescription(
    Architecture Architecture,
    string ModelName,
    int PhysicalCoreCount,
    int LogicalCoreCount,
    SimdFeatures Features);

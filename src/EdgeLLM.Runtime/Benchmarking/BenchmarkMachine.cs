namespace EdgeLLM.Runtime.Benchmarking;

/// <summary>The machine a benchmark ran on, as the JSON record reports it.</summary>
/// <param name="OperatingSystem">"linux", "windows" or "macos".</param>
/// <param name="Architecture">"x64", "arm64", ...</param>
/// <param name="CpuModel">The processor's name.</param>
/// <param name="PhysicalCores">Cores without SMT siblings.</param>
/// <param name="LogicalCores">Hardware threads.</param>
/// <param name="SimdFeatures">SIMD extensions present (EdgeLLM's names: avx2, avx512_vnni, neon, ...).</param>
/// <param name="MemoryBytes">Installed RAM.</param>
/// <param name="ReadBandwidthGBps">Measured multi-threaded read bandwidth in GB/s, or null when not measured.</param>
public sealed record BenchmarkMachine(
    string OperatingSystem,
    string Architecture,
    string CpuModel,
    int PhysicalCores,
    int LogicalCores,
    IReadOnlyList<string> SimdFeatures,
    long MemoryBytes,
    double? ReadBandwidthGBps);

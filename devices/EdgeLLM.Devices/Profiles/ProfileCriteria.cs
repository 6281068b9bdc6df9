using System.Runtime.InteropServices;
using EdgeLLM.Devices.Hardware;

namespace EdgeLLM.Devices.Profiles;

/// <summary>
/// What a machine must have for a profile to apply. Every criterion that is set must hold;
/// <see cref="Explain"/> lists them as the reason for a match.
/// </summary>
public sealed record ProfileCriteria(
    Architecture? Architecture,
    string? OperatingSystem,
    int? RaspberryPiGeneration,
    SimdFeatures SimdRequired,
    SimdFeatures SimdAbsent,
    GpuApi? Gpu,
    long GpuMinimumMemoryBytes)
{
    /// <summary>The reasons this machine matches, or null when one criterion fails.</summary>
    public IReadOnlyList<string>? Explain(HardwareDescription hardware)
    {
        ArgumentNullException.ThrowIfNull(hardware);
        var reasons = new List<string>();
        if (Architecture is { } architecture)
        {
            if (hardware.Cpu.Architecture != architecture)
            {
                return null;
            }

            reasons.Add($"architecture {ArchitectureNames.ToName(architecture)}");
        }

        if (OperatingSystem is { } operatingSystem)
        {
            if (!string.Equals(hardware.OperatingSystem, operatingSystem, StringComparison.Ordinal))
            {
                return null;
            }

            reasons.Add($"operating system {operatingSystem}");
        }

        if (RaspberryPiGeneration is { } generation)
        {
            if (hardware.Board?.RaspberryPiGeneration != generation)
            {
                return null;
            }

            reasons.Add($"board '{hardware.Board.Name}'");
        }

        if (SimdRequired != SimdFeatures.None)
        {
            if ((hardware.Cpu.Features & SimdRequired) != SimdRequired)
            {
                return null;
            }

            reasons.Add("has " + string.Join(", ", SimdFeatureNames.ToNames(SimdRequired)));
        }

        if (SimdAbsent != SimdFeatures.None)
        {
            if ((hardware.Cpu.Features & SimdAbsent) != SimdFeatures.None)
            {
                return null;
            }

            reasons.Add("no " + string.Join(", ", SimdFeatureNames.ToNames(SimdAbsent)));
        }

        if (Gpu is { } api)
        {
            GpuAdapter? best = BestGpu(hardware, api);
            if (best is null || best.DedicatedMemoryBytes < GpuMinimumMemoryBytes)
            {
                return null;
            }

            reasons.Add($"{api} GPU '{best.Name}' with {ByteSize.Format(best.DedicatedMemoryBytes)}");
        }

        return reasons;
    }

    /// <summary>The adapter of that API with the most dedicated memory, or null.</summary>
    public static GpuAdapter? BestGpu(HardwareDescription hardware, GpuApi api)
    {
        ArgumentNullException.ThrowIfNull(hardware);
        return hardware.Gpus.Where(gpu => gpu.Api == api).MaxBy(gpu => gpu.DedicatedMemoryBytes);
    }
}

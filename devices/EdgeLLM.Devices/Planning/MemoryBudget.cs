using EdgeLLM.Devices.Hardware;
using EdgeLLM.Devices.Profiles;
using EdgeLLM.Devices.Providers;
using EdgeLLM.Format.Providers;

namespace EdgeLLM.Devices.Planning;

/// <summary>The memory a model may use: what is available minus the profile's headroom.</summary>
/// <param name="AvailableBytes">Free RAM (MemAvailable) or the GPU's dedicated memory.</param>
/// <param name="HeadroomBytes">Left for the OS and other programs.</param>
/// <param name="TotalBytes">All RAM (or device memory): decides which smaller model to suggest.</param>
/// <param name="Kind">"RAM" or the GPU's name, for messages.</param>
public sealed record MemoryBudget(long AvailableBytes, long HeadroomBytes, long TotalBytes, string Kind)
{
    public long UsableBytes => Math.Max(0, AvailableBytes - HeadroomBytes);

    /// <summary>Available RAM (swap does not count: a model paging to swap is too slow to use).</summary>
    public static MemoryBudget ForRam(MemoryStatus memory, DeviceProfile profile)
    {
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(profile);
        return new MemoryBudget(memory.AvailableBytes, profile.Headroom.BytesFor(memory.TotalBytes), memory.TotalBytes, "RAM");
    }

    /// <summary>A GPU's dedicated memory.</summary>
    public static MemoryBudget ForGpu(GpuAdapter gpu, DeviceProfile profile)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        ArgumentNullException.ThrowIfNull(profile);
        return new MemoryBudget(gpu.DedicatedMemoryBytes, (long)(profile.Headroom.Fraction * gpu.DedicatedMemoryBytes), gpu.DedicatedMemoryBytes, gpu.Name);
    }

    /// <summary>The budget for the chosen provider: the GPU's dedicated memory, or available RAM.</summary>
    /// <param name="mappedCpuWeights">The CPU runs EdgeLLM's CPU engine (weights stay file pages) rather than ONNX Runtime (prepacked on the heap).</param>
    public static (MemoryBudget Budget, WeightPlacement Placement) For(HardwareDescription hardware, DeviceProfile profile, ExecutionProviderChoice provider, bool mappedCpuWeights = false)
    {
        ArgumentNullException.ThrowIfNull(hardware);
        ArgumentNullException.ThrowIfNull(provider);
        GpuApi? api = provider.Provider switch
        {
            ExecutionProvider.Cuda => GpuApi.Cuda,
            ExecutionProvider.DirectML => GpuApi.DirectML,
            _ => null,
        };
        GpuAdapter? gpu = api is null ? null : hardware.Gpus.FirstOrDefault(adapter => adapter.Api == api && adapter.Index == provider.DeviceId);
        return gpu is null
            ? (ForRam(hardware.Memory, profile), mappedCpuWeights ? WeightPlacement.CpuMapped : WeightPlacement.CpuPrepacked)
            : (ForGpu(gpu, profile), WeightPlacement.Gpu);
    }
}

using EdgeLLM.Devices.Hardware;
using EdgeLLM.Devices.Profiles;
using EdgeLLM.Devices.Providers;
using EdgeLLM.Format.Providers;

namespace EdgeLLM.Devices.Planning;

/// <summary>
/// The one call the runtime makes before loading a model: profile (matched or --device-profile),
/// execution provider (--ep, falling back to CPU with one line), and a memory plan that fits or a
/// refusal. Throws ArgumentException for bad options (unknown profile or --ep, --context out of
/// range) and InsufficientMemoryException with the planner's one-line refusal.
/// </summary>
public static class RunPlanner
{
    /// <param name="hardware">The detected machine.</param>
    /// <param name="catalog">Known profiles.</param>
    /// <param name="profileOverride">--device-profile, or null.</param>
    /// <param name="requestedProvider">--ep: auto, cpu, dml or cuda.</param>
    /// <param name="ortProviders">OrtEnv.GetAvailableProviders().</param>
    /// <param name="model">The model's footprint (edgellm.json).</param>
    /// <param name="requestedContext">--context, or null for the largest that fits.</param>
    /// <param name="mappedCpuWeights">On the CPU, EdgeLLM's CPU engine runs (weights stay mapped file pages) rather than ONNX Runtime.</param>
    public static RunPlan Plan(
        HardwareDescription hardware,
        DeviceProfileCatalog catalog,
        string? profileOverride,
        string requestedProvider,
        IReadOnlyList<string> ortProviders,
        ModelFootprint model,
        int? requestedContext,
        bool mappedCpuWeights = false)
    {
        ArgumentNullException.ThrowIfNull(hardware);
        ProfileChoice profile = ProfileMatcher.Choose(hardware, catalog, profileOverride);
        ExecutionProviderChoice provider = ExecutionProviderChoice.Choose(requestedProvider, profile.Profile, ortProviders, hardware);
        MemoryPlan memory = PlanMemory(hardware, profile.Profile, provider, model, requestedContext, mappedCpuWeights);

        // A GPU too small for the model: on auto, run on the CPU if RAM holds it.
        if (!memory.Fits && provider.Provider != ExecutionProvider.Cpu && string.Equals(requestedProvider, "auto", StringComparison.OrdinalIgnoreCase))
        {
            var cpu = new ExecutionProviderChoice(ExecutionProvider.Cpu, 0, "CPU fallback", $"execution provider auto: {memory.Refusal}; using CPU");
            MemoryPlan cpuMemory = PlanMemory(hardware, profile.Profile, cpu, model, requestedContext, mappedCpuWeights);
            if (cpuMemory.Fits)
            {
                return new RunPlan(profile, cpu, cpuMemory, profile.Profile.ThreadsFor(hardware.Cpu.PhysicalCoreCount));
            }
        }

        return new RunPlan(profile, provider, memory.EnsureFits(), profile.Profile.ThreadsFor(hardware.Cpu.PhysicalCoreCount));
    }

    /// <summary>
    /// The plan for <c>--engine auto</c>. When EdgeLLM's CPU engine runs the folder (<paramref name="cpuEngineRuns"/>)
    /// and the plan lands on the CPU provider, the CPU engine runs with its weights as mapped file pages
    /// (<see cref="RunPlan.MappedCpuWeights"/>): also when ONNX Runtime's prepacked copy would not fit (a line says so).
    /// Otherwise ONNX Runtime, planned as <see cref="Plan"/> (refusing when it does not fit).
    /// </summary>
    public static RunPlan PlanForAutoEngine(
        HardwareDescription hardware,
        DeviceProfileCatalog catalog,
        string? profileOverride,
        string requestedProvider,
        IReadOnlyList<string> ortProviders,
        ModelFootprint model,
        int? requestedContext,
        bool cpuEngineRuns)
    {
        RunPlan packed;
        try
        {
            packed = Plan(hardware, catalog, profileOverride, requestedProvider, ortProviders, model, requestedContext);
        }
        catch (InsufficientMemoryException packedRefusal) when (cpuEngineRuns)
        {
            RunPlan mapped = Plan(hardware, catalog, profileOverride, requestedProvider, ortProviders, model, requestedContext, mappedCpuWeights: true);
            if (mapped.ExecutionProvider.Provider != ExecutionProvider.Cpu)
            {
                throw;
            }

            return mapped with
            {
                MappedCpuWeights = true,
                EngineNote = $"engine auto: {packedRefusal.Message}; EdgeLLM's CPU engine fits (its weights stay mapped file pages), so it runs",
            };
        }

        if (!cpuEngineRuns || packed.ExecutionProvider.Provider != ExecutionProvider.Cpu)
        {
            return packed;
        }

        RunPlan onCpu = Plan(hardware, catalog, profileOverride, requestedProvider, ortProviders, model, requestedContext, mappedCpuWeights: true);
        return onCpu.ExecutionProvider.Provider == ExecutionProvider.Cpu ? onCpu with { MappedCpuWeights = true } : packed;
    }

    private static MemoryPlan PlanMemory(HardwareDescription hardware, DeviceProfile profile, ExecutionProviderChoice provider, ModelFootprint model, int? requestedContext, bool mappedCpuWeights)
    {
        (MemoryBudget budget, WeightPlacement placement) = MemoryBudget.For(hardware, profile, provider, mappedCpuWeights);
        return MemoryPlanner.Plan(model, profile, budget, placement, requestedContext);
    }
}

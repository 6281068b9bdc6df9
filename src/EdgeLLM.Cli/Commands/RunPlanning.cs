using EdgeLLM.Format;
using EdgeLLM.Devices.Hardware;
using EdgeLLM.Devices.Planning;
using EdgeLLM.Devices.Profiles;
using EdgeLLM.Devices.Providers;
using EdgeLLM.Format.Providers;
using EdgeLLM.Runtime.Engines;
using EdgeLLM.Runtime.Engines.Cpu;
using EdgeLLM.Runtime.Engines.Onnx;
using EdgeLLM.Runtime.Model;

namespace EdgeLLM.Cli.Commands;

/// <summary>
/// Plans a run before the model loads (device profile, execution provider, threads, the context the
/// memory fits) and turns the plan into the runtime's <see cref="SessionSettings"/>. Refusals (unknown
/// profile, unavailable provider, a context above the model's, not enough memory) are exceptions
/// with one line, which <see cref="CommandErrors"/> prints.
/// </summary>
public static class RunPlanning
{
    /// <summary>The plan for <paramref name="modelFolder"/> on this machine and the session settings that carry it out.</summary>
    public static (RunPlan Plan, SessionSettings Settings) Plan(string modelFolder, RunRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ModelFootprint model = ModelFootprint.Read(modelFolder);
        HardwareDescription hardware = HardwareProbe.Detect();
        DeviceProfileCatalog catalog = DeviceProfileCatalog.LoadBuiltIn();
        IReadOnlyList<string> ortProviders = OnnxRuntimeProviders.Available();

        // auto: EdgeLLM's CPU engine on the CPU provider when it runs the folder, else ONNX Runtime.
        string? cpuEngineRefusal = request.Engine == EngineChoice.Auto ? CpuEngineRefusal(modelFolder) : null;
        RunPlan plan = request.Engine == EngineChoice.Auto
            ? RunPlanner.PlanForAutoEngine(hardware, catalog, request.DeviceProfile, request.ExecutionProvider, ortProviders, model, request.Context, cpuEngineRuns: cpuEngineRefusal is null)
            : RunPlanner.Plan(hardware, catalog, request.DeviceProfile, request.ExecutionProvider, ortProviders, model, request.Context, mappedCpuWeights: request.Engine == EngineChoice.Cpu);
        EngineChoice engine = request.Engine != EngineChoice.Auto ? request.Engine : plan.MappedCpuWeights ? EngineChoice.Cpu : EngineChoice.Onnx;
        if (cpuEngineRefusal is not null && plan.ExecutionProvider.Provider == ExecutionProvider.Cpu)
        {
            // Resolved here, auto never reaches the runtime's fallback notice: the plan carries the same line.
            plan = plan with { EngineNote = DecoderEngines.AutoFallbackNotice(cpuEngineRefusal) };
        }
        var settings = new SessionSettings
        {
            Threads = request.Threads ?? plan.IntraOpThreadCount,
            ContextLength = plan.Memory.Context,
            ExecutionProvider = plan.ExecutionProvider.Provider,
            DeviceId = plan.ExecutionProvider.DeviceId,
            PrefillChunk = plan.PrefillChunk,
            Engine = engine,
            KvCache = request.KvCache,
        };
        return (plan, settings);
    }

    /// <summary>
    /// Why the CPU engine cannot run the folder, or null. A damaged or unreadable folder is not decided here: loading
    /// checks it (a kit's model against its checksums first) and reports it in one line.
    /// </summary>
    private static string? CpuEngineRefusal(string modelFolder)
    {
        try
        {
            return CpuEngine.CannotRun(modelFolder);
        }
        catch (Exception damaged) when (damaged is EdgeLlmException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

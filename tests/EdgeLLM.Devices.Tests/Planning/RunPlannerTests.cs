using EdgeLLM.Devices.Hardware;
using EdgeLLM.Devices.Planning;
using EdgeLLM.Devices.Profiles;
using EdgeLLM.Devices.Providers;
using EdgeLLM.Devices.Tests.Profiles;
using EdgeLLM.Format.Providers;
using EdgeLLM.Format;

namespace EdgeLLM.Devices.Tests.Planning;

public sealed class RunPlannerTests
{
    private static readonly DeviceProfileCatalog Catalog = DeviceProfileCatalog.LoadBuiltIn();
    private static readonly string[] CpuOnlyBuild = ["CPUExecutionProvider"];
    private static readonly string[] CudaBuild = ["CUDAExecutionProvider", "CPUExecutionProvider"];

    [Fact]
    public void Pi4_With15B_RunsOnFourCpuThreadsAt4096()
    {
        RunPlan plan = RunPlanner.Plan(Machines.RaspberryPi4, Catalog, null, "auto", CpuOnlyBuild, ModelShapes.Qwen15BInt4, requestedContext: null);

        Assert.Equal("raspberry-pi-4", plan.Profile.Profile.Name);
        Assert.Equal(ExecutionProvider.Cpu, plan.ExecutionProvider.Provider);
        Assert.Equal(4, plan.IntraOpThreadCount);
        Assert.Equal(4096, plan.Memory.Context);
        Assert.Equal(KvPrecision.Fp32, plan.KvPrecision);
        Assert.Equal(64, plan.PrefillChunk);
        Assert.Empty(plan.Warnings);
    }

    [Fact]
    public void RequestedCuda_OnACpuOnlyBuild_IsRefused()
    {
        var error = Assert.Throws<EdgeLlmException>(() => RunPlanner.Plan(Machines.LaptopAvx2, Catalog, null, "cuda", CpuOnlyBuild, ModelShapes.Qwen15BInt4, requestedContext: 4096));

        Assert.Equal("execution provider cuda is not available: this ONNX Runtime build has no CUDAExecutionProvider (available: CPUExecutionProvider) (choose auto or cpu)", error.Message);
    }

    [Fact]
    public void Auto_OnAnAvx2Laptop_RunsOnCpuOnItsPhysicalCores()
    {
        RunPlan plan = RunPlanner.Plan(Machines.LaptopAvx2, Catalog, null, "auto", CpuOnlyBuild, ModelShapes.Qwen15BInt4, requestedContext: 4096);

        Assert.Equal(ExecutionProvider.Cpu, plan.ExecutionProvider.Provider);
        Assert.Empty(plan.Warnings);
        Assert.Equal(4096, plan.Memory.Context);
        Assert.Equal(2, plan.IntraOpThreadCount); // the i3-7100U's physical cores
    }

    [Fact]
    public void CudaGpu_PlansAgainstItsMemoryInFp16()
    {
        RunPlan plan = RunPlanner.Plan(Machines.LinuxWithCuda, Catalog, null, "auto", CudaBuild, ModelShapes.Qwen15BInt4, requestedContext: 8192);

        Assert.Equal(ExecutionProvider.Cuda, plan.ExecutionProvider.Provider);
        Assert.Equal("NVIDIA GeForce RTX 3070", plan.Memory.Budget.Kind);
        // On the device: 1,898,805,248 weights + 57,344 / 2 * 8192 = 234,881,024 fp16 KV
        // + 155,008 * 4 * 512 = 317,456,384 activations + 400,000,000 context = 2,851,142,656.
        Assert.Equal(ModelShapes.Qwen15BWeightBytes, plan.Memory.Estimate.PackedWeightBytes);
        Assert.Equal(234_881_024, plan.Memory.Estimate.KvCacheBytes);
        Assert.Equal(2_851_142_656, plan.Memory.Estimate.TotalBytes);
    }

    [Fact]
    public void GpuTooSmall_OnAuto_FallsBackToCpuRam()
    {
        HardwareDescription smallCard = Machines.LinuxWithCuda with { Gpus = [new GpuAdapter(GpuApi.Cuda, 0, "NVIDIA T1000", 4_294_967_296)] };

        RunPlan plan = RunPlanner.Plan(smallCard, Catalog, "cuda-gpu", "auto", CudaBuild, ModelShapes.Qwen7BInt4, requestedContext: 2048);

        Assert.Equal(ExecutionProvider.Cpu, plan.ExecutionProvider.Provider);
        Assert.StartsWith("execution provider auto: DeepSeek-R1-Distill-Qwen-7B-int4 needs ", plan.ExecutionProvider.Warning, StringComparison.Ordinal);
        Assert.Equal("RAM", plan.Memory.Budget.Kind);
    }

    [Fact]
    public void TooLittleMemory_ThrowsTheOneLineRefusal()
    {
        var error = Assert.Throws<InsufficientMemoryException>(() => RunPlanner.Plan(Machines.RaspberryPi4, Catalog, null, "auto", CpuOnlyBuild, ModelShapes.Qwen7BInt4, requestedContext: null));

        // The load peak 6,610,332,032 bytes, above the 5,576,599,936 running at context 512
        // (MemoryPlannerTests.Qwen7B_OnA4GBPi4_IsRefusedWithTheSmallerModel).
        Assert.Equal(
            "DeepSeek-R1-Distill-Qwen-7B-int4 needs 6.6 GB even at context 512, 3.3 GB available (3.6 GB free RAM minus 318 MB headroom): use the DeepSeek-R1-Distill-Qwen-1.5B int4 model",
            error.Message);
    }

    [Fact]
    public void UnknownProfile_IsRefused()
    {
        Assert.Throws<EdgeLlmException>(() => RunPlanner.Plan(Machines.RaspberryPi4, Catalog, "raspberry-pi-3", "auto", CpuOnlyBuild, ModelShapes.Qwen15BInt4, null));
    }

    [Fact]
    public void ContextAboveTheModels_IsRefused()
    {
        var error = Assert.Throws<EdgeLlmException>(() => RunPlanner.Plan(Machines.RaspberryPi5, Catalog, null, "auto", CpuOnlyBuild, ModelShapes.Qwen15BInt4, requestedContext: 262144));

        Assert.Equal("context 262144 is larger than DeepSeek-R1-Distill-Qwen-1.5B-int4's maximum context 131072", error.Message);
    }

    [Fact]
    public void AutoEngine_TakesTheMappedCpuEngineWhenItRunsTheFolder_AndOnnxRuntimeOtherwise()
    {
        const long MiB = 1024 * 1024;
        HardwareDescription WithRam(long bytes) => Machines.RaspberryPi5 with { Memory = new MemoryStatus(bytes, bytes, 0, 0) };
        bool PackedFits(long bytes) => Fits(() => RunPlanner.Plan(WithRam(bytes), Catalog, null, "auto", CpuOnlyBuild, ModelShapes.Qwen15BInt4, requestedContext: 4096));
        bool MappedFits(long bytes) => Fits(() => RunPlanner.Plan(WithRam(bytes), Catalog, null, "auto", CpuOnlyBuild, ModelShapes.Qwen15BInt4, requestedContext: 4096, mappedCpuWeights: true));

        // The smallest RAM (64 MiB steps) where the mapped weights fit but ONNX Runtime's packed copy does not.
        long tight = Enumerable.Range(8, 256).Select(step => step * 64 * MiB).First(bytes => MappedFits(bytes) && !PackedFits(bytes));
        RunPlan onlyMapped = RunPlanner.PlanForAutoEngine(WithRam(tight), Catalog, null, "auto", CpuOnlyBuild, ModelShapes.Qwen15BInt4, requestedContext: 4096, cpuEngineRuns: true);
        Assert.True(onlyMapped.MappedCpuWeights);
        Assert.Equal(4096, onlyMapped.Memory.Context);
        Assert.Contains(onlyMapped.Warnings, line => line.StartsWith("engine auto: ", StringComparison.Ordinal) && line.Contains("CPU engine", StringComparison.Ordinal));

        // Where both fit, the CPU engine runs (no note); a folder it cannot run stays with ONNX Runtime.
        long roomy = Enumerable.Range(8, 256).Select(step => step * 64 * MiB).First(PackedFits);
        RunPlan cpu = RunPlanner.PlanForAutoEngine(WithRam(roomy), Catalog, null, "auto", CpuOnlyBuild, ModelShapes.Qwen15BInt4, requestedContext: 4096, cpuEngineRuns: true);
        Assert.True(cpu.MappedCpuWeights);
        Assert.Null(cpu.EngineNote);
        RunPlan packed = RunPlanner.PlanForAutoEngine(WithRam(roomy), Catalog, null, "auto", CpuOnlyBuild, ModelShapes.Qwen15BInt4, requestedContext: 4096, cpuEngineRuns: false);
        Assert.False(packed.MappedCpuWeights);
        Assert.Null(packed.EngineNote);
        Assert.Throws<InsufficientMemoryException>(() => RunPlanner.PlanForAutoEngine(WithRam(tight), Catalog, null, "auto", CpuOnlyBuild, ModelShapes.Qwen15BInt4, requestedContext: 4096, cpuEngineRuns: false));

        // Neither fits: the packed plan's refusal, one line.
        long tooSmall = Enumerable.Range(1, 256).Select(step => step * 64 * MiB).First(bytes => MappedFits(bytes)) - (64 * MiB);
        var refusal = Assert.Throws<InsufficientMemoryException>(() => RunPlanner.PlanForAutoEngine(WithRam(tooSmall), Catalog, null, "auto", CpuOnlyBuild, ModelShapes.Qwen15BInt4, requestedContext: 4096, cpuEngineRuns: true));
        Assert.DoesNotContain('\n', refusal.Message);
    }

    private static bool Fits(Func<RunPlan> plan)
    {
        try
        {
            plan();
            return true;
        }
        catch (InsufficientMemoryException)
        {
            return false;
        }
    }
}

using EdgeLLM.Devices.Hardware;
using EdgeLLM.Devices.Planning;
using EdgeLLM.Devices.Profiles;
using EdgeLLM.Devices.Providers;
using EdgeLLM.Devices.Tests.Profiles;

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
        var error = Assert.Throws<NotSupportedException>(() => RunPlanner.Plan(Machines.LaptopAvx2, Catalog, null, "cuda", CpuOnlyBuild, ModelShapes.Qwen15BInt4, requestedContext: 4096));

        Assert.Equal("--ep cuda is not available: this ONNX Runtime build has no CUDAExecutionProvider (available: CPUExecutionProvider) (use --ep auto or cpu)", error.Message);
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
        Assert.StartsWith("--ep auto: DeepSeek-R1-Distill-Qwen-7B-int4 needs ", plan.ExecutionProvider.Warning, StringComparison.Ordinal);
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
        Assert.Throws<ArgumentException>(() => RunPlanner.Plan(Machines.RaspberryPi4, Catalog, "raspberry-pi-3", "auto", CpuOnlyBuild, ModelShapes.Qwen15BInt4, null));
    }

    [Fact]
    public void ContextAboveTheModels_IsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => RunPlanner.Plan(Machines.RaspberryPi5, Catalog, null, "auto", CpuOnlyBuild, ModelShapes.Qwen15BInt4, requestedContext: 262144));

        Assert.Equal("--context 262144 is larger than DeepSeek-R1-Distill-Qwen-1.5B-int4's maximum context 131072", error.Message);
    }
}

using EdgeLLM.Devices.Profiles;
using EdgeLLM.Devices.Providers;
using EdgeLLM.Devices.Tests.Profiles;
using EdgeLLM.Format.Providers;
using EdgeLLM.Format;

namespace EdgeLLM.Devices.Tests.Providers;

public sealed class ExecutionProviderChoiceTests
{
    private static readonly DeviceProfileCatalog Catalog = DeviceProfileCatalog.LoadBuiltIn();

    // What OrtEnv.GetAvailableProviders() returns for the packages EdgeLLM ships.
    private static readonly string[] CpuOnlyBuild = ["CPUExecutionProvider"];
    private static readonly string[] CudaBuild = ["CUDAExecutionProvider", "CPUExecutionProvider"];
    private static readonly string[] DirectMLBuild = ["DmlExecutionProvider", "CPUExecutionProvider"];

    [Fact]
    public void Auto_OnAPi_IsCpu()
    {
        var choice = ExecutionProviderChoice.Choose("auto", Catalog.Find("raspberry-pi-4"), CpuOnlyBuild, Machines.RaspberryPi4);

        Assert.Equal(ExecutionProvider.Cpu, choice.Provider);
        Assert.Equal("CPUExecutionProvider", choice.OrtName);
        Assert.Equal("first available in profile raspberry-pi-4's order (cpu)", choice.Reason);
        Assert.Null(choice.Warning);
    }

    [Fact]
    public void Auto_WithACudaBuildAndDevice_IsCuda()
    {
        var choice = ExecutionProviderChoice.Choose("auto", Catalog.Find("cuda-gpu"), CudaBuild, Machines.LinuxWithCuda);

        Assert.Equal(ExecutionProvider.Cuda, choice.Provider);
        Assert.Equal(0, choice.DeviceId);
        Assert.Null(choice.Warning);
    }

    [Fact]
    public void Auto_WithACpuOnlyBuild_SkipsCudaAndSaysWhy()
    {
        var choice = ExecutionProviderChoice.Choose("auto", Catalog.Find("cuda-gpu"), CpuOnlyBuild, Machines.LinuxWithCuda);

        Assert.Equal(ExecutionProvider.Cpu, choice.Provider);
        Assert.Equal("first available in profile cuda-gpu's order (cuda, cpu); skipped cuda: this ONNX Runtime build has no CUDAExecutionProvider (available: CPUExecutionProvider)", choice.Reason);
    }

    [Fact]
    public void RequestedDirectML_NotInTheBuild_IsRefusedWithOneLine()
    {
        var error = Assert.Throws<EdgeLlmException>(() => ExecutionProviderChoice.Choose("dml", Catalog.Find("x64-laptop-avx2"), CpuOnlyBuild, Machines.LaptopAvx2));

        Assert.Equal("execution provider dml is not available: this ONNX Runtime build has no DmlExecutionProvider (available: CPUExecutionProvider) (choose auto or cpu)", error.Message);
    }

    [Fact]
    public void RequestedCuda_InTheBuildButNoDevice_IsRefused()
    {
        var error = Assert.Throws<EdgeLlmException>(() => ExecutionProviderChoice.Choose("cuda", Catalog.Find("x64-laptop-avx2"), CudaBuild, Machines.LaptopAvx2));

        Assert.Equal("execution provider cuda is not available: no CUDA device found (the CUDA driver did not load or reports no devices) (choose auto or cpu)", error.Message);
    }

    [Fact]
    public void RequestedDirectML_Available_UsesTheAdapterIndex()
    {
        var choice = ExecutionProviderChoice.Choose("DML", Catalog.Find("windows-old-gpu-directml"), DirectMLBuild, Machines.WindowsWithOldGpu);

        Assert.Equal(ExecutionProvider.DirectML, choice.Provider);
        Assert.Equal("DmlExecutionProvider", choice.OrtName);
        Assert.Equal("requested by name (dml)", choice.Reason);
        Assert.Null(choice.Warning);
    }

    [Fact]
    public void UnknownProviderName_IsRefused()
    {
        var error = Assert.Throws<EdgeLlmException>(() => ExecutionProviderChoice.Choose("rocm", Catalog.Find("x64-laptop-avx2"), CudaBuild, Machines.LaptopAvx2));

        Assert.Equal("unknown execution provider 'rocm': use auto, cpu, dml or cuda", error.Message);
    }
}

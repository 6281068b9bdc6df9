using EdgeLLM.Devices.Hardware;
using EdgeLLM.Devices.Profiles;
using EdgeLLM.Format;

namespace EdgeLLM.Devices.Tests.Profiles;

public sealed class ProfileMatcherTests
{
    private static readonly DeviceProfileCatalog Catalog = DeviceProfileCatalog.LoadBuiltIn();

    [Fact]
    public void RaspberryPi4_GetsThePi4Profile_FromItsDeviceTree()
    {
        ProfileChoice choice = ProfileMatcher.Choose(Machines.RaspberryPi4, Catalog, profileOverride: null);

        Assert.Equal("raspberry-pi-4", choice.Profile.Name);
        Assert.Equal("matched: architecture arm64; board 'Raspberry Pi 4 Model B Rev 1.4'", choice.Reason);
    }

    [Fact]
    public void RaspberryPi5_GetsThePi5Profile()
    {
        ProfileChoice choice = ProfileMatcher.Choose(Machines.RaspberryPi5, Catalog, profileOverride: null);

        Assert.Equal("raspberry-pi-5", choice.Profile.Name);
    }

    [Fact]
    public void OtherArm64Board_GetsTheGenericProfile()
    {
        ProfileChoice choice = ProfileMatcher.Choose(Machines.Rock5, Catalog, profileOverride: null);

        Assert.Equal("arm64-generic", choice.Profile.Name);
        Assert.Equal("matched: architecture arm64", choice.Reason);
    }

    [Fact]
    public void X64WithAvx2_GetsTheAvx2LaptopProfile()
    {
        ProfileChoice choice = ProfileMatcher.Choose(Machines.LaptopAvx2, Catalog, profileOverride: null);

        Assert.Equal("x64-laptop-avx2", choice.Profile.Name);
        Assert.Equal("matched: architecture x64; has avx2, fma", choice.Reason);
    }

    [Fact]
    public void X64WithoutAvx2_GetsTheNoAvx2Profile()
    {
        ProfileChoice choice = ProfileMatcher.Choose(Machines.LaptopNoAvx2, Catalog, profileOverride: null);

        Assert.Equal("x64-no-avx2", choice.Profile.Name);
        Assert.Equal("matched: architecture x64; no avx2", choice.Reason);
    }

    [Fact]
    public void WindowsWithADirectMLGpu_GetsTheDirectMLProfile()
    {
        ProfileChoice choice = ProfileMatcher.Choose(Machines.WindowsWithOldGpu, Catalog, profileOverride: null);

        Assert.Equal("windows-old-gpu-directml", choice.Profile.Name);
        Assert.Equal("matched: operating system windows; DirectML GPU 'NVIDIA GeForce GTX 960' with 4.2 GB", choice.Reason);
    }

    [Fact]
    public void CudaGpu_GetsTheCudaProfile()
    {
        ProfileChoice choice = ProfileMatcher.Choose(Machines.LinuxWithCuda, Catalog, profileOverride: null);

        Assert.Equal("cuda-gpu", choice.Profile.Name);
    }

    [Fact]
    public void SmallCudaGpu_FallsBackToTheCpuProfile()
    {
        HardwareDescription smallGpu = Machines.LaptopAvx2 with { Gpus = [new GpuAdapter(GpuApi.Cuda, 0, "NVIDIA GeForce MX150", 2_147_483_648)] };

        Assert.Equal("x64-laptop-avx2", ProfileMatcher.Choose(smallGpu, Catalog, profileOverride: null).Profile.Name);
    }

    [Fact]
    public void Override_WinsOverTheMatch()
    {
        ProfileChoice choice = ProfileMatcher.Choose(Machines.RaspberryPi5, Catalog, profileOverride: "raspberry-pi-4");

        Assert.Equal("raspberry-pi-4", choice.Profile.Name);
        Assert.Equal("chosen by name", choice.Reason);
    }

    [Fact]
    public void UnknownOverride_IsRefused()
    {
        var error = Assert.Throws<EdgeLlmException>(() => ProfileMatcher.Choose(Machines.RaspberryPi5, Catalog, profileOverride: "pi5"));

        Assert.StartsWith("unknown device profile 'pi5': known profiles are arm64-generic, cuda-gpu,", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoMatchingProfile_SaysSoAndNamesTheOverride()
    {
        Assert.Null(ProfileMatcher.TryMatch(Machines.RaspberryPi4On32BitOs, Catalog));

        var error = Assert.Throws<EdgeLlmException>(() => ProfileMatcher.Choose(Machines.RaspberryPi4On32BitOs, Catalog, profileOverride: null));
        Assert.StartsWith("no device profile matches this machine (arm, ARM Cortex-A72): choose a device profile, one of", error.Message, StringComparison.Ordinal);
    }
}

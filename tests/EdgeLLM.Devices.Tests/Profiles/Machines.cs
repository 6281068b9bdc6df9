using System.Runtime.InteropServices;
using EdgeLLM.Devices.Hardware;
using EdgeLLM.Devices.Tests.Hardware;

namespace EdgeLLM.Devices.Tests.Profiles;

/// <summary>Detected machines built from the captures, as the Linux probe would describe them.</summary>
internal static class Machines
{
    public static HardwareDescription RaspberryPi4 { get; } = new(
        "linux", CpuInfoParser.Parse(Captures.Pi4CpuInfo), MemInfoParser.Parse(Captures.Pi4MemInfo), BoardModel.Parse(Captures.Pi4DeviceTreeModel), []);

    public static HardwareDescription RaspberryPi5 { get; } = new(
        "linux", CpuInfoParser.Parse(Captures.Pi5CpuInfo), MemInfoParser.Parse(Captures.Pi5MemInfo), BoardModel.Parse(Captures.Pi5DeviceTreeModel), []);

    /// <summary>A Cortex-A76 board that is not a Pi (same cores as a Pi 5).</summary>
    public static HardwareDescription Rock5 { get; } = new(
        "linux", CpuInfoParser.Parse(Captures.Pi5CpuInfo), MemInfoParser.Parse(Captures.Pi5MemInfo), BoardModel.Parse(Captures.Rock5DeviceTreeModel), []);

    public static HardwareDescription LaptopAvx2 { get; } = new(
        "linux", CpuInfoParser.Parse(Captures.LaptopAvx2CpuInfo), MemInfoParser.Parse(Captures.LaptopMemInfoWithoutMemAvailable), null, []);

    public static HardwareDescription LaptopNoAvx2 { get; } = new(
        "linux", CpuInfoParser.Parse(Captures.LaptopNoAvx2CpuInfo), MemInfoParser.Parse(Captures.LaptopMemInfoWithoutMemAvailable), null, []);

    /// <summary>The AVX2 laptop running Windows with a 4 GB GTX 960 seen through DXGI.</summary>
    public static HardwareDescription WindowsWithOldGpu { get; } = LaptopAvx2 with
    {
        OperatingSystem = "windows",
        Gpus = [new GpuAdapter(GpuApi.DirectML, 0, "NVIDIA GeForce GTX 960", 4_242_538_496)],
    };

    /// <summary>The AVX2 laptop on Linux with an 8 GB CUDA card.</summary>
    public static HardwareDescription LinuxWithCuda { get; } = LaptopAvx2 with
    {
        Gpus = [new GpuAdapter(GpuApi.Cuda, 0, "NVIDIA GeForce RTX 3070", 8_358_789_120)],
    };

    /// <summary>A 32-bit Raspberry Pi OS on a Pi 4: no profile applies (ONNX Runtime ships no linux-arm build).</summary>
    public static HardwareDescription RaspberryPi4On32BitOs { get; } = RaspberryPi4 with
    {
        Cpu = RaspberryPi4.Cpu with { Architecture = Architecture.Arm },
    };
}

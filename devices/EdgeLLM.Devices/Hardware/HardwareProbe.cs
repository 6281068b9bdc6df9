using EdgeLLM.Format;
namespace EdgeLLM.Devices.Hardware;

/// <summary>Detects this machine through the probe for the running operating system.</summary>
public static class HardwareProbe
{
    public static HardwareDescription Detect()
    {
        if (OperatingSystem.IsLinux())
        {
            return Detect("linux", new LinuxPlatformProbe());
        }

        if (OperatingSystem.IsWindows())
        {
            return Detect("windows", new WindowsPlatformProbe());
        }

        if (OperatingSystem.IsMacOS())
        {
            return Detect("macos", new MacPlatformProbe());
        }

        throw new EdgeLlmException("EdgeLLM detects hardware on Linux, Windows and macOS only");
    }

    public static HardwareDescription Detect(string operatingSystem, IPlatformProbe probe)
    {
        ArgumentNullException.ThrowIfNull(probe);
        return new HardwareDescription(operatingSystem, probe.ReadCpu(), probe.ReadMemory(), probe.ReadBoard(), probe.ReadGpus());
    }
}

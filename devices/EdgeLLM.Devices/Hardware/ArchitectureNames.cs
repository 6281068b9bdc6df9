using System.Runtime.InteropServices;

namespace EdgeLLM.Devices.Hardware;

/// <summary>Lower-case architecture names used in profiles and output ("x64", "arm64").</summary>
public static class ArchitectureNames
{
    public static string ToName(Architecture architecture) => architecture.ToString().ToLowerInvariant();

    public static bool TryParse(string name, out Architecture architecture)
        => Enum.TryParse(name, ignoreCase: true, out architecture) && Enum.IsDefined(architecture);
}

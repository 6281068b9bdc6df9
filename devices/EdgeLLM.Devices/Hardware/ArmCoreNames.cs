namespace EdgeLLM.Devices.Hardware;

/// <summary>Names of ARM cores from the MIDR implementer and part numbers that /proc/cpuinfo prints.</summary>
internal static class ArmCoreNames
{
    private const int ArmImplementer = 0x41;

    private static readonly Dictionary<int, string> ArmParts = new()
    {
        [0xd03] = "Cortex-A53",
        [0xd04] = "Cortex-A35",
        [0xd05] = "Cortex-A55",
        [0xd07] = "Cortex-A57",
        [0xd08] = "Cortex-A72",
        [0xd09] = "Cortex-A73",
        [0xd0a] = "Cortex-A75",
        [0xd0b] = "Cortex-A76",
        [0xd0c] = "Neoverse-N1",
        [0xd0d] = "Cortex-A77",
        [0xd40] = "Neoverse-V1",
        [0xd41] = "Cortex-A78",
        [0xd44] = "Cortex-X1",
        [0xd46] = "Cortex-A510",
        [0xd47] = "Cortex-A710",
        [0xd48] = "Cortex-X2",
        [0xd49] = "Neoverse-N2",
        [0xd4b] = "Cortex-A78C",
        [0xd4f] = "Neoverse-V2",
    };

    /// <summary>"Cortex-A72" for implementer 0x41 part 0xd08; "implementer 0x51 part 0x802" when unknown.</summary>
    public static string Describe(int implementer, int part)
        => implementer == ArmImplementer && ArmParts.TryGetValue(part, out string? name)
            ? name
            : $"implementer 0x{implementer:x2} part 0x{part:x3}";
}

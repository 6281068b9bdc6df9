using EdgeLLM.Devices.Tests.Hardware;

namespace EdgeLLM.Published.Tests;

/// <summary>
/// An emulated Raspberry Pi for the linux-arm64 binary: qemu-aarch64-static with the board's core
/// (<c>QEMU_CPU</c>) and a <c>QEMU_LD_PREFIX</c> folder holding Debian's arm64 C library and the board's
/// /proc/cpuinfo and device-tree model (qemu maps absolute paths into the prefix where it has them; ONNX Runtime
/// reads /proc/cpuinfo and would otherwise see the host's x86 one).
/// </summary>
internal sealed record RaspberryPi(string Name, string QemuCpu, string CpuInfo, string DeviceTreeModel, bool HasDotProd, int Generation)
{
    public const string Pi5 = "pi5";
    public const string Pi4 = "pi4";

    /// <summary>Debian's arm64 runtime libraries (libc6-dev-arm64-cross and the cross gcc's libstdc++/libgcc_s).</summary>
    private const string Arm64Libraries = "/usr/aarch64-linux-gnu/lib";

    public static RaspberryPi Named(string name) => name switch
    {
        Pi5 => new RaspberryPi(Pi5, "cortex-a76", Captures.Pi5CpuInfo, Captures.Pi5DeviceTreeModel, HasDotProd: true, Generation: 5),
        Pi4 => new RaspberryPi(Pi4, "cortex-a72", Captures.Pi4CpuInfo, Captures.Pi4DeviceTreeModel, HasDotProd: false, Generation: 4),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    /// <summary>Writes the prefix folder under <paramref name="folder"/> and returns qemu's environment for it.</summary>
    public IReadOnlyDictionary<string, string> Prepare(string folder)
    {
        string prefix = Path.Combine(folder, "qemu-prefix-" + Name);
        Directory.CreateDirectory(Path.Combine(prefix, "proc", "device-tree"));
        File.WriteAllText(Path.Combine(prefix, "proc", "cpuinfo"), CpuInfo.ReplaceLineEndings("\n") + "\n");
        File.WriteAllText(Path.Combine(prefix, "proc", "device-tree", "model"), DeviceTreeModel);
        string libraries = Path.Combine(prefix, "lib");
        if (!Path.Exists(libraries))
        {
            File.CreateSymbolicLink(libraries, Arm64Libraries);
        }

        return new Dictionary<string, string>
        {
            ["QEMU_CPU"] = QemuCpu,
            ["QEMU_LD_PREFIX"] = prefix,
        };
    }

    /// <summary>The CPU engine's kernel set on this board: sdot where the core has the dot-product extension.</summary>
    public string KernelIsa => HasDotProd ? "AdvSimdDotProd" : "AdvSimd";

    /// <summary>qemu-aarch64-static running <paramref name="binary"/> with <paramref name="arguments"/>.</summary>
    public static string[] Command(string binary, IEnumerable<string> arguments) => ["qemu-aarch64-static", binary, .. arguments];
}

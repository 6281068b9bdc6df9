using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Text;
using EdgeLLM.Format.Platform;

namespace EdgeLLM.Devices.Hardware;

/// <summary>
/// macOS: sysctl (<see cref="SystemControl"/>) for the CPU name, core counts, RAM, swap and (Apple silicon) the ARM features;
/// available memory from kern.memorystatus_level (the percentage of RAM the kernel considers free).
/// No GPU: ONNX Runtime's CoreML provider is not one EdgeLLM uses.
/// </summary>
[SupportedOSPlatform("macos")]
public sealed unsafe class MacPlatformProbe : IPlatformProbe
{
    public CpuDescription ReadCpu()
    {
        SimdFeatures features = RuntimeSimdProbe.Detect();
        if (ReadInt32("hw.optional.arm.FEAT_DotProd") == 1)
        {
            features |= SimdFeatures.DotProd;
        }

        if (ReadInt32("hw.optional.arm.FEAT_I8MM") == 1)
        {
            features |= SimdFeatures.I8mm;
        }

        return new CpuDescription(
            RuntimeInformation.OSArchitecture,
            ReadString("machdep.cpu.brand_string") ?? "unknown processor",
            ReadInt32("hw.physicalcpu") ?? Environment.ProcessorCount,
            ReadInt32("hw.logicalcpu") ?? Environment.ProcessorCount,
            features);
    }

    public MemoryStatus ReadMemory()
    {
        long total = ReadInt64("hw.memsize") ?? throw new IOException("sysctl hw.memsize failed");
        int freePercent = ReadInt32("kern.memorystatus_level") ?? throw new IOException("sysctl kern.memorystatus_level failed");
        SwapUsage swap;
        nuint size = (nuint)sizeof(SwapUsage);
        bool hasSwap = SystemControl.Read("vm.swapusage", &swap, &size) == 0;
        return new MemoryStatus(
            total,
            total / 100 * freePercent,
            hasSwap ? (long)swap.Total : 0,
            hasSwap ? (long)swap.Available : 0);
    }

    public BoardModel? ReadBoard() => null;

    public IReadOnlyList<GpuAdapter> ReadGpus() => [];

    private static int? ReadInt32(string name)
    {
        int value;
        nuint size = sizeof(int);
        return SystemControl.Read(name, &value, &size) == 0 ? value : null;
    }

    private static long? ReadInt64(string name)
    {
        long value;
        nuint size = sizeof(long);
        return SystemControl.Read(name, &value, &size) == 0 ? value : null;
    }

    private static string? ReadString(string name)
    {
        nuint size = 0;
        if (SystemControl.Read(name, null, &size) != 0 || size == 0)
        {
            return null;
        }

        byte[] buffer = new byte[size];
        fixed (byte* start = buffer)
        {
            return SystemControl.Read(name, start, &size) == 0
                ? Encoding.UTF8.GetString(buffer, 0, (int)size).TrimEnd('\0').Trim()
                : null;
        }
    }

    /// <summary>struct xsw_usage.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct SwapUsage
    {
        public ulong Total;
        public ulong Available;
        public ulong Used;
        public uint PageSize;
        public int Encrypted;
    }
}

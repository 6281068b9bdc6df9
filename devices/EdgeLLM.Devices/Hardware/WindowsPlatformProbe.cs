using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.Win32;

namespace EdgeLLM.Devices.Hardware;

/// <summary>
/// Windows: GlobalMemoryStatusEx for RAM and page file, GetLogicalProcessorInformationEx for
/// physical cores, the registry for the CPU name, .NET intrinsics for SIMD, DXGI adapters for
/// DirectML and the CUDA driver for CUDA devices.
/// </summary>
[SupportedOSPlatform("windows")]
public sealed unsafe partial class WindowsPlatformProbe : IPlatformProbe
{
    private const int RelationProcessorCore = 0;
    private const int ErrorInsufficientBuffer = 122;

    public CpuDescription ReadCpu()
    {
        using RegistryKey? key = Registry.LocalMachine.OpenSubKey(@"HARDWARE\DESCRIPTION\System\CentralProcessor\0");
        string name = (key?.GetValue("ProcessorNameString") as string)?.Trim() ?? "unknown processor";
        return new CpuDescription(
            RuntimeInformation.OSArchitecture,
            name,
            CountPhysicalCores(),
            Environment.ProcessorCount,
            RuntimeSimdProbe.Detect());
    }

    public MemoryStatus ReadMemory()
    {
        var status = new MemoryStatusEx { Length = (uint)sizeof(MemoryStatusEx) };
        if (!GlobalMemoryStatusEx(ref status))
        {
            throw new IOException($"GlobalMemoryStatusEx failed (error {Marshal.GetLastPInvokeError()})");
        }

        // The commit limit (TotalPageFile) counts RAM plus the page files; swap is the part beyond RAM.
        long swapTotal = Math.Max(0, (long)status.TotalPageFile - (long)status.TotalPhys);
        long swapFree = Math.Max(0, (long)status.AvailPageFile - (long)status.AvailPhys);
        return new MemoryStatus((long)status.TotalPhys, (long)status.AvailPhys, swapTotal, swapFree);
    }

    public BoardModel? ReadBoard() => null;

    public IReadOnlyList<GpuAdapter> ReadGpus() => [.. DxgiProbe.Enumerate(), .. CudaProbe.Enumerate()];

    private static int CountPhysicalCores()
    {
        uint length = 0;
        if (GetLogicalProcessorInformationEx(RelationProcessorCore, null, ref length) || Marshal.GetLastPInvokeError() != ErrorInsufficientBuffer)
        {
            return Environment.ProcessorCount;
        }

        byte[] buffer = new byte[length];
        fixed (byte* start = buffer)
        {
            if (!GetLogicalProcessorInformationEx(RelationProcessorCore, start, ref length))
            {
                return Environment.ProcessorCount;
            }

            // SYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX entries: { int Relationship; uint Size; ... }, one per core.
            int cores = 0;
            for (uint offset = 0; offset < length; offset += *(uint*)(start + offset + sizeof(int)))
            {
                cores++;
            }

            return Math.Max(1, cores);
        }
    }

    [LibraryImport("kernel32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool GlobalMemoryStatusEx(ref MemoryStatusEx buffer);

    [LibraryImport("kernel32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool GetLogicalProcessorInformationEx(int relationship, byte* buffer, ref uint length);

    /// <summary>MEMORYSTATUSEX.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct MemoryStatusEx
    {
        public uint Length;
        public uint MemoryLoad;
        public ulong TotalPhys;
        public ulong AvailPhys;
        public ulong TotalPageFile;
        public ulong AvailPageFile;
        public ulong TotalVirtual;
        public ulong AvailVirtual;
        public ulong AvailExtendedVirtual;
    }
}

using System.Runtime.InteropServices;
using System.Text;

namespace EdgeLLM.Devices.Hardware;

/// <summary>
/// Enumerates CUDA devices through the driver API when the driver library loads
/// (libcuda.so.1 on Linux, nvcuda.dll on Windows). No driver, or a driver that fails cuInit, means no
/// CUDA devices. The library stays loaded: ONNX Runtime's CUDA provider loads it again anyway.
/// </summary>
internal static unsafe class CudaProbe
{
    private const int Success = 0;
    private const int NameCapacity = 256;

    public static IReadOnlyList<GpuAdapter> Enumerate()
    {
        string libraryName = OperatingSystem.IsWindows() ? "nvcuda.dll" : "libcuda.so.1";
        if (!(OperatingSystem.IsLinux() || OperatingSystem.IsWindows()) || !NativeLibrary.TryLoad(libraryName, out IntPtr library))
        {
            return [];
        }

        if (!NativeLibrary.TryGetExport(library, "cuInit", out IntPtr initExport)
            || !NativeLibrary.TryGetExport(library, "cuDeviceGetCount", out IntPtr countExport)
            || !NativeLibrary.TryGetExport(library, "cuDeviceGet", out IntPtr getExport)
            || !NativeLibrary.TryGetExport(library, "cuDeviceGetName", out IntPtr nameExport)
            || !NativeLibrary.TryGetExport(library, "cuDeviceTotalMem_v2", out IntPtr totalMemoryExport))
        {
            return [];
        }

        var initialize = (delegate* unmanaged<uint, int>)initExport;
        var getCount = (delegate* unmanaged<int*, int>)countExport;
        var getDevice = (delegate* unmanaged<int*, int, int>)getExport;
        var getName = (delegate* unmanaged<byte*, int, int, int>)nameExport;
        var getTotalMemory = (delegate* unmanaged<nuint*, int, int>)totalMemoryExport;

        int count;
        if (initialize(0) != Success || getCount(&count) != Success)
        {
            return [];
        }

        var devices = new List<GpuAdapter>(count);
        byte* name = stackalloc byte[NameCapacity];
        for (int ordinal = 0; ordinal < count; ordinal++)
        {
            int device;
            nuint totalBytes;
            if (getDevice(&device, ordinal) != Success
                || getName(name, NameCapacity, device) != Success
                || getTotalMemory(&totalBytes, device) != Success)
            {
                continue;
            }

            var nameBytes = new ReadOnlySpan<byte>(name, NameCapacity);
            int end = nameBytes.IndexOf((byte)0);
            string deviceName = Encoding.UTF8.GetString(end >= 0 ? nameBytes[..end] : nameBytes);
            devices.Add(new GpuAdapter(GpuApi.Cuda, ordinal, deviceName, (long)totalBytes));
        }

        return devices;
    }
}

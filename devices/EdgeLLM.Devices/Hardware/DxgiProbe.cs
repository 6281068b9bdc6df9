using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace EdgeLLM.Devices.Hardware;

/// <summary>
/// Enumerates the hardware adapters DirectML can use, through DXGI (CreateDXGIFactory1,
/// IDXGIFactory1::EnumAdapters1, IDXGIAdapter1::GetDesc1), skipping software adapters
/// (Microsoft Basic Render Driver). COM calls go through the vtable by slot number so no
/// runtime marshalling is needed (NativeAOT-clean).
/// </summary>
[SupportedOSPlatform("windows")]
internal static unsafe partial class DxgiProbe
{
    private const int NotFound = unchecked((int)0x887A0002); // DXGI_ERROR_NOT_FOUND: past the last adapter
    private const uint SoftwareAdapterFlag = 2;              // DXGI_ADAPTER_FLAG_SOFTWARE

    // Vtable slots: IUnknown (0-2), IDXGIObject (3-6), IDXGIFactory (7-11), IDXGIFactory1::EnumAdapters1 = 12;
    // IDXGIAdapter (7-9), IDXGIAdapter1::GetDesc1 = 10.
    private const int ReleaseSlot = 2;
    private const int EnumAdapters1Slot = 12;
    private const int GetDesc1Slot = 10;

    private static readonly Guid FactoryInterfaceId = new("770aae78-f26f-4dba-a829-253c83d1b387"); // IID_IDXGIFactory1

    public static IReadOnlyList<GpuAdapter> Enumerate()
    {
        Guid interfaceId = FactoryInterfaceId;
        if (CreateDXGIFactory1(&interfaceId, out IntPtr factory) < 0)
        {
            return [];
        }

        var adapters = new List<GpuAdapter>();
        try
        {
            var enumAdapters = (delegate* unmanaged[Stdcall]<IntPtr, uint, IntPtr*, int>)Slot(factory, EnumAdapters1Slot);
            for (uint index = 0; ; index++)
            {
                IntPtr adapter;
                int result = enumAdapters(factory, index, &adapter);
                if (result == NotFound || result < 0)
                {
                    break;
                }

                try
                {
                    AdapterDescription description;
                    var getDescription = (delegate* unmanaged[Stdcall]<IntPtr, AdapterDescription*, int>)Slot(adapter, GetDesc1Slot);
                    if (getDescription(adapter, &description) >= 0 && (description.Flags & SoftwareAdapterFlag) == 0)
                    {
                        string name = new string(description.Description).TrimEnd('\0');
                        adapters.Add(new GpuAdapter(GpuApi.DirectML, (int)index, name, (long)description.DedicatedVideoMemory));
                    }
                }
                finally
                {
                    Release(adapter);
                }
            }
        }
        finally
        {
            Release(factory);
        }

        return adapters;
    }

    private static IntPtr Slot(IntPtr comObject, int slot) => (*(IntPtr**)comObject)[slot];

    private static void Release(IntPtr comObject)
        => ((delegate* unmanaged[Stdcall]<IntPtr, uint>)Slot(comObject, ReleaseSlot))(comObject);

    [LibraryImport("dxgi.dll")]
    private static partial int CreateDXGIFactory1(Guid* interfaceId, out IntPtr factory);

    /// <summary>DXGI_ADAPTER_DESC1.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct AdapterDescription
    {
        public fixed char Description[128];
        public uint VendorId;
        public uint DeviceId;
        public uint SubSysId;
        public uint Revision;
        public nuint DedicatedVideoMemory;
        public nuint DedicatedSystemMemory;
        public nuint SharedSystemMemory;
        public uint AdapterLuidLowPart;
        public int AdapterLuidHighPart;
        public uint Flags;
    }
}

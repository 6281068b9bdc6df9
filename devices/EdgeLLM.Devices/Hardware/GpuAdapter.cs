namespace EdgeLLM.Devices.Hardware;

/// <summary>Which ONNX Runtime execution provider can drive a GPU.</summary>
public enum GpuApi
{
    /// <summary>A DXGI adapter DirectML can use (Windows).</summary>
    DirectML,

    /// <summary>A device the CUDA driver (libcuda / nvcuda.dll) enumerates.</summary>
    Cuda,
}

/// <summary>A GPU found on this machine.</summary>
/// <param name="Api">The API that enumerated it.</param>
/// <param name="Index">The adapter index (DXGI EnumAdapters1 order) or CUDA ordinal: the EP's device id.</param>
/// <param name="Name">The driver's name for it.</param>
/// <param name="DedicatedMemoryBytes">Memory on the card (DXGI DedicatedVideoMemory, cuDeviceTotalMem).</param>
public sealed record GpuAdapter(GpuApi Api, int Index, string Name, long DedicatedMemoryBytes);

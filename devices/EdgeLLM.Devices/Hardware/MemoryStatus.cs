namespace EdgeLLM.Devices.Hardware;

/// <summary>Physical memory and swap, in bytes.</summary>
/// <param name="TotalBytes">Installed RAM the OS can use.</param>
/// <param name="AvailableBytes">RAM a new process can take without swapping (Linux MemAvailable).</param>
/// <param name="SwapTotalBytes">Swap or page file beyond RAM.</param>
/// <param name="SwapFreeBytes">Unused swap.</param>
public sealed record MemoryStatus(long TotalBytes, long AvailableBytes, long SwapTotalBytes, long SwapFreeBytes);

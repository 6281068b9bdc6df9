namespace EdgeLLM.Devices.Profiles;

/// <summary>Memory left untouched for the OS and other programs: the larger of a share of RAM and a floor.</summary>
public sealed record MemoryHeadroom(double Fraction, long MinimumBytes)
{
    public long BytesFor(long totalMemoryBytes) => Math.Max(MinimumBytes, (long)(Fraction * totalMemoryBytes));
}

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EdgeLLM.Runtime.Engines.Cpu.Kernels;

/// <summary>
/// Buffers for one engine's linear layers, sized once: the int8-quantized activations of up to
/// <c>maxTokenCount</c> tokens of up to <c>maxInputCount</c> inputs, their block scales and sums, and the per-lane
/// activation scales the SIMD kernels multiply with. Pinned, so a call allocates nothing.
/// </summary>
public sealed unsafe class LinearScratch
{
    /// <summary>K is padded to whole blocks of at most this many inputs.</summary>
    internal const int MaxBlockSize = 256;

    /// <summary>The smallest block: the most blocks per K.</summary>
    internal const int MinBlockSize = 16;

    private readonly sbyte[] codes;
    private readonly float[] laneScales;
    private readonly float[] blockScales;
    private readonly float[] blockScaledSums;
    private readonly int[] blockSums;
    private readonly int[] laneZeroPointSums;

    public LinearScratch(int maxTokenCount, int maxInputCount, int threadCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxTokenCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxInputCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threadCount);
        MaxTokenCount = maxTokenCount;
        MaxInputCount = maxInputCount;
        ThreadCount = threadCount;
        CodeStride = checked((maxInputCount + MaxBlockSize - 1) / MaxBlockSize * MaxBlockSize);
        LaneStride = CodeStride / 4;
        BlockStride = (maxInputCount + MinBlockSize - 1) / MinBlockSize;
        codes = GC.AllocateArray<sbyte>(checked(maxTokenCount * CodeStride), pinned: true);
        laneScales = GC.AllocateArray<float>(checked(maxTokenCount * LaneStride), pinned: true);
        blockScales = GC.AllocateArray<float>(checked(maxTokenCount * BlockStride), pinned: true);
        blockScaledSums = GC.AllocateArray<float>(checked(maxTokenCount * BlockStride), pinned: true);
        blockSums = GC.AllocateArray<int>(checked(maxTokenCount * BlockStride), pinned: true);
        laneZeroPointSums = GC.AllocateArray<int>(checked(maxTokenCount * LaneStride), pinned: true);
    }

    public int MaxTokenCount { get; }

    public int MaxInputCount { get; }

    public int ThreadCount { get; }

    /// <summary>Bytes of int8 codes per token (K padded to the largest block).</summary>
    internal int CodeStride { get; }

    /// <summary>Lane scales per token.</summary>
    internal int LaneStride { get; }

    /// <summary>Block entries per token.</summary>
    internal int BlockStride { get; }

    internal sbyte* Codes => (sbyte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(codes));

    internal float* LaneScales => (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(laneScales));

    internal float* BlockScales => (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(blockScales));

    internal float* BlockScaledSums => (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(blockScaledSums));

    internal int* BlockSums => (int*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(blockSums));

    internal int* LaneZeroPointSums => (int*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(laneZeroPointSums));
}

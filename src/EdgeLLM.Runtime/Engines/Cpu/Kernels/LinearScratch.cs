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
    private readonly int[] quadZeroPointSums;
    private readonly float[] quadScales;

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
        QuadStride = CodeStride / 64 * 8;
        quadZeroPointSums = GC.AllocateArray<int>(checked(maxTokenCount / 4 * QuadStride), pinned: true);
        quadScales = GC.AllocateArray<float>(checked(maxTokenCount / 4 * QuadStride), pinned: true);
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

    /// <summary>
    /// Entries per group of four tokens in <see cref="QuadZeroPointSums"/> / <see cref="QuadScales"/>: 8 per 64-input step.
    /// </summary>
    internal int QuadStride { get; }

    /// <summary>
    /// 4-bit weights in blocks of 32, per group of four tokens and 64-input step: 8 × the code sum of the step's first
    /// block for tokens 0..3, then of its second block for tokens 0..3 (the lane order the four-token kernel reduces
    /// its dot products into).
    /// </summary>
    internal int* QuadZeroPointSums => (int*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(quadZeroPointSums));

    /// <summary>The activation block scales in the order of <see cref="QuadZeroPointSums"/>.</summary>
    internal float* QuadScales => (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(quadScales));

    /// <summary>Fills the four-token arrays of group <paramref name="quad"/> (tokens 4·quad .. 4·quad + 3, already quantized) for a K of blockCount blocks of 32.</summary>
    internal void ArrangeQuad(int quad, int blockCount)
    {
        int steps = blockCount / 2;
        int* zeroPoints = QuadZeroPointSums + ((long)quad * QuadStride);
        float* scales = QuadScales + ((long)quad * QuadStride);
        for (int step = 0; step < steps; step++)
        {
            for (int half = 0; half < 2; half++)
            {
                int block = (2 * step) + half;
                for (int t = 0; t < 4; t++)
                {
                    long token = (4L * quad) + t;
                    int lane = (step * 8) + (half * 4) + t;
                    zeroPoints[lane] = 8 * BlockSums[(token * BlockStride) + block];
                    scales[lane] = BlockScales[(token * BlockStride) + block];
                }
            }
        }
    }
}

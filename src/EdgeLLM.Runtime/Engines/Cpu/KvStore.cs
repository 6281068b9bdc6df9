using System.Runtime.InteropServices;
using EdgeLLM.Runtime.Engines.Cpu.Kernels;

namespace EdgeLLM.Runtime.Engines.Cpu;

/// <summary>
/// The CPU engine's KV cache: per layer one key and one value block of [kvHeads, context, headDim]
/// elements (fp16 or fp32), allocated once in native memory (pages become resident only as rows are written).
/// </summary>
internal sealed unsafe class KvStore : IDisposable
{
    private readonly nint[] keys;
    private readonly nint[] values;

    public KvStore(int layerCount, int kvHeadCount, int contextLength, int headDim, KvElement element)
    {
        Element = element;
        KvHeadCount = kvHeadCount;
        ContextLength = contextLength;
        HeadDim = headDim;
        ElementSize = element == KvElement.Float16 ? 2 : 4;
        LayerBytes = (long)kvHeadCount * contextLength * headDim * ElementSize;
        keys = new nint[layerCount];
        values = new nint[layerCount];
        try
        {
            for (int layer = 0; layer < layerCount; layer++)
            {
                keys[layer] = (nint)NativeMemory.AlignedAlloc((nuint)LayerBytes, 64);
                values[layer] = (nint)NativeMemory.AlignedAlloc((nuint)LayerBytes, 64);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public KvElement Element { get; }

    public int KvHeadCount { get; }

    public int ContextLength { get; }

    public int HeadDim { get; }

    public int ElementSize { get; }

    public long LayerBytes { get; }

    public long ByteCount => 2L * keys.Length * LayerBytes;

    /// <summary>The first key row of <paramref name="kvHead"/> in <paramref name="layer"/>.</summary>
    public nint Keys(int layer, int kvHead) => keys[layer] + ((nint)kvHead * ContextLength * HeadDim * ElementSize);

    public nint Values(int layer, int kvHead) => values[layer] + ((nint)kvHead * ContextLength * HeadDim * ElementSize);

    /// <summary>Writes one head's key and value rows at <paramref name="position"/>.</summary>
    public void Store(int layer, int kvHead, int position, ReadOnlySpan<float> key, ReadOnlySpan<float> value)
    {
        nint offset = (nint)position * HeadDim * ElementSize;
        Write(Keys(layer, kvHead) + offset, key);
        Write(Values(layer, kvHead) + offset, value);
    }

    public void Dispose()
    {
        for (int layer = 0; layer < keys.Length; layer++)
        {
            NativeMemory.AlignedFree((void*)keys[layer]);
            NativeMemory.AlignedFree((void*)values[layer]);
            keys[layer] = 0;
            values[layer] = 0;
        }
    }

    private void Write(nint destination, ReadOnlySpan<float> row)
    {
        if (Element == KvElement.Float16)
        {
            HalfKernel.ToHalf(row, new Span<Half>((void*)destination, HeadDim));
        }
        else
        {
            row.CopyTo(new Span<float>((void*)destination, HeadDim));
        }
    }
}

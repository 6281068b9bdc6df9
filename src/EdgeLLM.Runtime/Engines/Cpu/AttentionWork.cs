using EdgeLLM.Runtime.Engines.Cpu.Kernels;
using EdgeLLM.Runtime.Engines.Cpu.Threading;

namespace EdgeLLM.Runtime.Engines.Cpu;

/// <summary>
/// Grouped-query attention of a chunk of tokens for one layer, split over the worker pool by query head:
/// token t (at position FirstPosition + t) of head h attends causally to FirstPosition + t + 1 cached rows
/// of KV head h / GroupSize. Each head has its own scores row, so heads run in parallel without sharing.
/// </summary>
internal unsafe struct AttentionWork : IRangeWork
{
    public float* Qkv;
    public int QkvStride;
    public float* Output;
    public int OutputStride;
    public float* Scores;
    public int ScoresStride;
    public KvStore Cache;
    public int Layer;
    public int TokenCount;
    public int FirstPosition;
    public int HeadDim;
    public int GroupSize;
    public float Scale;

    public readonly void Execute(int start, int end)
    {
        for (int head = start; head < end; head++)
        {
            int kvHead = head / GroupSize;
            nint keys = Cache.Keys(Layer, kvHead);
            nint values = Cache.Values(Layer, kvHead);
            var scores = new Span<float>(Scores + ((nint)head * ScoresStride), ScoresStride);
            for (int token = 0; token < TokenCount; token++)
            {
                var query = new ReadOnlySpan<float>(Qkv + ((nint)token * QkvStride) + ((nint)head * HeadDim), HeadDim);
                var output = new Span<float>(Output + ((nint)token * OutputStride) + ((nint)head * HeadDim), HeadDim);
                AttentionKernel.Attend(query, keys, values, Cache.Element, FirstPosition + token + 1, HeadDim, Scale, scores, output);
            }
        }
    }
}

using EdgeLLM.Runtime.Engines.Cpu.Kernels;
using EdgeLLM.Runtime.Engines.Cpu.Threading;

namespace EdgeLLM.Runtime.Engines.Cpu;

/// <summary>
/// Grouped-query attention of a chunk of tokens for one layer, split over the worker pool by query head, or by KV head
/// (<see cref="ByKvHead"/>: all GroupSize query heads of a KV head together, so each cached row is read and widened
/// once per group; chosen when there are at least as many KV heads as threads): token t (at position
/// FirstPosition + t) of head h attends causally to FirstPosition + t + 1 cached rows of KV head h / GroupSize. Each
/// head has its own scores row, so parts run in parallel without sharing.
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
    public bool ByKvHead;

    public readonly void Execute(int start, int end)
    {
        if (ByKvHead)
        {
            for (int kvHead = start; kvHead < end; kvHead++)
            {
                int head = kvHead * GroupSize;
                for (int token = 0; token < TokenCount; token++)
                {
                    AttentionKernel.AttendGroup(
                        Qkv + ((nint)token * QkvStride) + ((nint)head * HeadDim),
                        Output + ((nint)token * OutputStride) + ((nint)head * HeadDim),
                        Scores + ((nint)head * ScoresStride),
                        ScoresStride,
                        Cache.Keys(Layer, kvHead),
                        Cache.Values(Layer, kvHead),
                        Cache.Element,
                        FirstPosition + token + 1,
                        HeadDim,
                        GroupSize,
                        Scale);
                }
            }

            return;
        }

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

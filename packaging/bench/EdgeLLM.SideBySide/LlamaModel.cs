using LLama;
using LLama.Common;
using LLama.Native;

namespace EdgeLLM.SideBySide;

/// <summary>A GGUF file loaded through LLamaSharp with one context: a prompt pass and single-token decode steps.</summary>
internal sealed class LlamaModel : IDisposable
{
    private readonly LLamaWeights weights;
    private readonly LLamaContext context;
    private readonly LLamaBatch batch = new();
    private int position;

    public LlamaModel(string ggufPath, int threads, int contextLength)
    {
        if (!File.Exists(ggufPath))
        {
            throw new FileNotFoundException($"GGUF file '{ggufPath}' not found", ggufPath);
        }

        var parameters = new ModelParams(ggufPath)
        {
            ContextSize = (uint)contextLength,
            BatchSize = (uint)contextLength,
            UBatchSize = (uint)contextLength,
            Threads = threads,
            BatchThreads = threads,
            GpuLayerCount = 0,
        };
        weights = LLamaWeights.LoadFromFile(parameters);
        context = weights.CreateContext(parameters);
        VocabularySize = context.Vocab.Count;
    }

    public int VocabularySize { get; }

    /// <summary>Runs <paramref name="ids"/> in one pass; returns the logits of every position (or only the last).</summary>
    public float[][] Prefill(ReadOnlySpan<int> ids, bool allPositions)
    {
        batch.Clear();
        for (int i = 0; i < ids.Length; i++)
        {
            batch.Add((LLamaToken)ids[i], position + i, LLamaSeqId.Zero, allPositions || i == ids.Length - 1);
        }

        Run();
        position += ids.Length;
        int first = allPositions ? 0 : ids.Length - 1;
        float[][] logits = new float[ids.Length - first][];
        for (int i = first; i < ids.Length; i++)
        {
            logits[i - first] = context.NativeHandle.GetLogitsIth(i).ToArray();
        }

        return logits;
    }

    /// <summary>One token at the next position; returns its logits (a view valid until the next call).</summary>
    public ReadOnlySpan<float> Decode(int id)
    {
        batch.Clear();
        batch.Add((LLamaToken)id, position, LLamaSeqId.Zero, true);
        Run();
        position++;
        return context.NativeHandle.GetLogitsIth(0);
    }

    public void Dispose()
    {
        context.Dispose();
        weights.Dispose();
    }

    private void Run()
    {
        DecodeResult result = context.Decode(batch);
        if (result != DecodeResult.Ok)
        {
            throw new InvalidOperationException($"llama_decode failed: {result}");
        }
    }
}

using EdgeLLM.Format.Providers;
using EdgeLLM.Format;
using EdgeLLM.Runtime.Engines.Cpu.Graph;
using EdgeLLM.Runtime.Engines.Cpu.Kernels;
using EdgeLLM.Runtime.Engines.Cpu.Loading;
using EdgeLLM.Runtime.Engines.Cpu.Threading;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Model;

namespace EdgeLLM.Runtime.Engines.Cpu;

/// <summary>
/// EdgeLLM's own CPU decoder over the model folder's memory-mapped <c>model.onnx.data</c>: every weight is
/// addressed in place (file pages, shared and evictable, never copied). Per forward pass: embedding gather,
/// per layer RMS norm, q|k|v linear (+bias), per-head q/k norms (Qwen3), RoPE from the graph's own tables,
/// KV append, grouped-query attention, o_proj and residual, RMS norm, gate/up, SiLU·up, down and residual;
/// then the final norm and lm_head on the last position. The KV cache, activation buffers and kernel
/// scratch are allocated once at open; a decode step allocates nothing.
/// </summary>
public sealed unsafe class CpuEngine : IDecoderEngine
{
    /// <summary>Prompt tokens per forward pass when the plan does not say (bounds the activation buffers).</summary>
    public const int DefaultPrefillChunk = 128;

    private readonly WeightFile file;
    private readonly DecoderWeights model;
    private readonly EmbeddingRows embeddingRows;
    private readonly KernelSet kernels;
    private readonly WorkerPool pool;
    private readonly LinearScratch scratch;
    private readonly KvStore cache;
    private readonly float[] hidden;
    private readonly float[] normed;
    private readonly float[] qkv;
    private readonly float[] attention;
    private readonly float[] projection;
    private readonly float[] gate;
    private readonly float[] up;
    private readonly float[] activated;
    private readonly float[] headScratch;
    private readonly float[] scores;
    private readonly float[] logits;
    private readonly int[] decodeToken = new int[1];
    private readonly ILinearInputObserver? linearInputs;
    private volatile bool stopRequested;
    private bool disposed;

    private CpuEngine(WeightFile file, DecoderWeights model, CpuEngineOptions options, KernelSet kernels)
    {
        this.file = file;
        this.model = model;
        this.kernels = kernels;
        embeddingRows = new EmbeddingRows(file, model.Embedding, mappedAnyway: model.Embedding.Values == model.LmHead.Values);
        linearInputs = options.LinearInputs;
        ContextLength = options.ContextLength;
        Threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        PrefillChunk = Math.Min(options.PrefillChunk > 0 ? options.PrefillChunk : DefaultPrefillChunk, ContextLength);
        KvElement element = options.KvCache switch
        {
            KvCachePrecision.Float32 => KvElement.Float32,
            KvCachePrecision.Float16 => KvElement.Float16,
            _ => model.Quantized ? KvElement.Float16 : KvElement.Float32,
        };

        int chunk = PrefillChunk;
        int widest = Math.Max(Math.Max(model.HiddenSize, model.IntermediateSize), model.QueryWidth);
        pool = new WorkerPool(Threads);
        try
        {
            scratch = new LinearScratch(chunk, widest, Threads);
            cache = new KvStore(model.Layers.Count, model.KvHeadCount, ContextLength, model.HeadDim, element);
        }
        catch
        {
            pool.Dispose();
            throw;
        }

        hidden = Buffer(chunk * model.HiddenSize);
        normed = Buffer(chunk * model.HiddenSize);
        qkv = Buffer(chunk * (model.QueryWidth + (2 * model.KvWidth)));
        attention = Buffer(chunk * model.QueryWidth);
        projection = Buffer(chunk * model.HiddenSize);
        gate = Buffer(chunk * model.IntermediateSize);
        up = Buffer(chunk * model.IntermediateSize);
        activated = Buffer(chunk * model.IntermediateSize);
        headScratch = Buffer(model.HeadDim);
        scores = Buffer(model.HeadCount * ContextLength);
        logits = Buffer(model.VocabSize);
        Description = $"EdgeLLM CPU engine ({kernels.Description}, {(element == KvElement.Float16 ? "fp16" : "fp32")} KV cache)";
    }

    public string Name => "cpu";

    public string Description { get; }

    public string? KernelIsa => kernels.Isa.ToString();

    public ExecutionProvider ExecutionProvider => ExecutionProvider.Cpu;

    public int Threads { get; }

    public int PrefillChunk { get; }

    public int Position { get; private set; }

    public int ContextLength { get; }

    public int VocabSize => model.VocabSize;

    public int LayerCount => model.Layers.Count;

    public long KvCacheBytes => cache.ByteCount;

    /// <summary>Bytes of the activation buffers and attention scores (what the engine holds besides the KV cache).</summary>
    public long ActivationBytes => sizeof(float) * ((long)hidden.Length + normed.Length + qkv.Length + attention.Length + projection.Length
        + gate.Length + up.Length + activated.Length + headScratch.Length + scores.Length + logits.Length);

    /// <summary>Whether the KV cache stores fp16 rows.</summary>
    public bool HalfKvCache => cache.Element == KvElement.Float16;

    /// <summary>Whether the embedding's rows are read with positioned reads rather than through the mapping.</summary>
    internal bool ReadsEmbeddingRows => embeddingRows.ReadsRows;

    /// <summary>The token embedding table where it lies in this engine's mapping (tests inspect its pages).</summary>
    internal WeightMatrix EmbeddingTable => model.Embedding;

    /// <summary>The mapped weight file's path.</summary>
    public string WeightFilePath => file.Path;

    /// <summary>
    /// Why the CPU engine cannot run <paramref name="modelFolder"/> (one line), or null when it can: reads the graph and
    /// checks every weight against the mapped file as <see cref="Open"/> does, without allocating the KV cache. A damaged
    /// folder throws as <see cref="Open"/> does.
    /// </summary>
    public static string? CannotRun(string modelFolder)
    {
        string modelPath = Path.Combine(modelFolder, "model.onnx");
        if (!File.Exists(modelPath))
        {
            throw new FileNotFoundException($"no model.onnx in '{modelFolder}'", modelPath);
        }

        OnnxModelFile graph = OnnxModelFile.Read(modelPath);
        using WeightFile file = WeightFile.Open(modelFolder);
        try
        {
            DecoderGraphReader.Read(graph, file);
            return null;
        }
        catch (UnsupportedGraphException unsupported)
        {
            return unsupported.Message;
        }
    }

    /// <summary>
    /// Opens the folder's graph and maps its weights. An unsupported graph throws <see cref="Loading.UnsupportedGraphException"/>
    /// (one line: what is not supported), a damaged folder <see cref="EdgeLlmException"/> naming the file or tensor.
    /// </summary>
    public static CpuEngine Open(string modelFolder, CpuEngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string modelPath = Path.Combine(modelFolder, "model.onnx");
        if (!File.Exists(modelPath))
        {
            throw new FileNotFoundException($"no model.onnx in '{modelFolder}'", modelPath);
        }

        if (options.ContextLength <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"context length must be positive, got {options.ContextLength}");
        }

        OnnxModelFile graph = OnnxModelFile.Read(modelPath);
        WeightFile file = WeightFile.Open(modelFolder);
        try
        {
            DecoderWeights model = DecoderGraphReader.Read(graph, file);
            if (options.ContextLength > model.RotaryPositions)
            {
                throw new EdgeLlmException($"context {options.ContextLength} is longer than the model's RoPE table ({model.RotaryPositions} positions)");
            }

            return new CpuEngine(file, model, options, options.Kernels ?? KernelSet.Detect());
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public ReadOnlySpan<float> Prefill(ReadOnlySpan<int> tokenIds)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (tokenIds.IsEmpty)
        {
            throw new ArgumentException("prefill needs at least one token", nameof(tokenIds));
        }

        EnsureRoom(tokenIds.Length);
        for (; tokenIds.Length > PrefillChunk; tokenIds = tokenIds[PrefillChunk..])
        {
            Forward(tokenIds[..PrefillChunk], computeLogits: false);
        }

        Forward(tokenIds, computeLogits: true);
        return logits;
    }

    public ReadOnlySpan<float> Decode(int tokenId)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        EnsureRoom(1);
        decodeToken[0] = tokenId;
        Forward(decodeToken, computeLogits: true);
        return logits;
    }

    public void Reset() => Position = 0;

    public void Rewind(int position)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(position, Position);
        Position = position;
    }

    public void RequestStop() => stopRequested = true;

    public void ClearStopRequest() => stopRequested = false;

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        pool.Dispose();
        cache.Dispose();
        file.Dispose();
    }

    /// <summary>Runs <paramref name="ids"/> (at most <see cref="PrefillChunk"/>) at <see cref="Position"/>, appending to the KV cache.</summary>
    private void Forward(ReadOnlySpan<int> ids, bool computeLogits)
    {
        int tokens = ids.Length;
        int width = model.HiddenSize;
        int qkvWidth = model.QueryWidth + (2 * model.KvWidth);
        int first = Position;
        LinearKernel linear = kernels.Linear;
        Span<float> hiddenRows = hidden.AsSpan(0, tokens * width);
        Span<float> normedRows = normed.AsSpan(0, tokens * width);
        Span<float> qkvRows = qkv.AsSpan(0, tokens * qkvWidth);

        for (int token = 0; token < tokens; token++)
        {
            int id = ids[token];
            if ((uint)id >= (uint)model.Embedding.OutputCount)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"token id outside the vocabulary of {model.Embedding.OutputCount}");
            }

            embeddingRows.Gather(id, hiddenRows.Slice(token * width, width));
        }

        for (int layerIndex = 0; layerIndex < model.Layers.Count; layerIndex++)
        {
            ThrowIfStopRequested();
            DecoderLayerWeights layer = model.Layers[layerIndex];
            Normalize(hiddenRows, normedRows, tokens, layer.InputNorm);
            linearInputs?.Observe(layerIndex, LinearInput.QueryKeyValue, normedRows);
            linear.Multiply(layer.Qkv, normedRows, tokens, qkvRows, scratch, pool);
            PrepareQueriesAndKeys(layerIndex, layer, qkvRows, tokens, first);

            // Past the last layer's keys and values only the last token's hidden state is read (for the logits), so
            // that layer runs the rest for that token alone, or not at all in a chunk without logits. Every row is
            // kept while an observer records the linear inputs.
            int from = 0;
            if (layerIndex == model.Layers.Count - 1 && linearInputs is null)
            {
                if (!computeLogits)
                {
                    break;
                }

                from = tokens - 1;
            }

            RestOfLayer(layerIndex, layer, from, tokens, first);
        }

        Position = first + tokens;
        if (linearInputs is not null)
        {
            // Every token's final-norm output, which lm_head would read; the logits below need only the last.
            Normalize(hiddenRows, normedRows, tokens, model.FinalNorm);
            linearInputs.ObserveLmHeadInput(normedRows);
        }

        if (computeLogits)
        {
            Span<float> last = normed.AsSpan(0, width);
            RmsNormKernel.Apply(hiddenRows.Slice((tokens - 1) * width, width), model.FinalNorm.Span, model.FinalNorm.Epsilon, last);
            linear.Multiply(model.LmHead, last, 1, logits, scratch, pool);
        }
    }

    /// <summary>
    /// Attention, its output projection and the feed-forward block of one layer for tokens [<paramref name="from"/>,
    /// <paramref name="tokens"/>) of the chunk, whose keys and values are already cached.
    /// </summary>
    private void RestOfLayer(int layerIndex, DecoderLayerWeights layer, int from, int tokens, int first)
    {
        int rows = tokens - from;
        int width = model.HiddenSize;
        int qkvWidth = model.QueryWidth + (2 * model.KvWidth);
        int intermediate = model.IntermediateSize;
        LinearKernel linear = kernels.Linear;
        Span<float> qkvRows = qkv.AsSpan(from * qkvWidth, rows * qkvWidth);
        Span<float> hiddenRows = hidden.AsSpan(from * width, rows * width);
        Span<float> normedRows = normed.AsSpan(0, rows * width);
        Span<float> attentionRows = attention.AsSpan(0, rows * model.QueryWidth);
        Span<float> projectionRows = projection.AsSpan(0, rows * width);
        Span<float> gateRows = gate.AsSpan(0, rows * intermediate);
        Span<float> upRows = up.AsSpan(0, rows * intermediate);
        Span<float> activatedRows = activated.AsSpan(0, rows * intermediate);

        Attend(layerIndex, qkvRows, attentionRows, rows, first + from);
        linearInputs?.Observe(layerIndex, LinearInput.AttentionOutput, attentionRows);
        linear.Multiply(layer.Output, attentionRows, rows, projectionRows, scratch, pool);
        VectorKernel.AddInPlace(hiddenRows, projectionRows);

        Normalize(hiddenRows, normedRows, rows, layer.PostAttentionNorm);
        linearInputs?.Observe(layerIndex, LinearInput.GateUp, normedRows);
        if (LinearKernel.SameShape(layer.Gate, layer.Up))
        {
            linear.MultiplyGateUp(layer.Gate, layer.Up, normedRows, rows, gateRows, upRows, activatedRows, scratch, pool);
        }
        else
        {
            // An imported file may store gate and up in different types.
            linear.Multiply(layer.Gate, normedRows, rows, gateRows, scratch, pool);
            linear.Multiply(layer.Up, normedRows, rows, upRows, scratch, pool);
            ActivationKernel.SiluMultiply(gateRows, upRows, activatedRows);
        }

        linearInputs?.Observe(layerIndex, LinearInput.Down, activatedRows);
        linear.Multiply(layer.Down, activatedRows, rows, projectionRows, scratch, pool);
        VectorKernel.AddInPlace(hiddenRows, projectionRows);
    }

    private void Normalize(ReadOnlySpan<float> input, Span<float> output, int tokens, RmsNormWeight norm)
    {
        int width = model.HiddenSize;
        ReadOnlySpan<float> weight = norm.Span;
        for (int token = 0; token < tokens; token++)
        {
            RmsNormKernel.Apply(input.Slice(token * width, width), weight, norm.Epsilon, output.Slice(token * width, width));
        }
    }

    /// <summary>Adds the q|k|v bias, applies the per-head norms and RoPE, and appends k and v to the cache.</summary>
    private void PrepareQueriesAndKeys(int layerIndex, DecoderLayerWeights layer, Span<float> qkvRows, int tokens, int first)
    {
        int headDim = model.HeadDim;
        int qkvWidth = model.QueryWidth + (2 * model.KvWidth);
        int half = model.RotaryHalf;
        var bias = layer.QkvBias == 0 ? default : new ReadOnlySpan<float>((void*)layer.QkvBias, qkvWidth);
        for (int token = 0; token < tokens; token++)
        {
            int position = first + token;
            Span<float> row = qkvRows.Slice(token * qkvWidth, qkvWidth);
            if (!bias.IsEmpty)
            {
                VectorKernel.AddInPlace(row, bias);
            }

            var cos = new ReadOnlySpan<float>((float*)model.RotaryCos + ((nint)position * half), half);
            var sin = new ReadOnlySpan<float>((float*)model.RotarySin + ((nint)position * half), half);
            for (int head = 0; head < model.HeadCount; head++)
            {
                Span<float> query = row.Slice(head * headDim, headDim);
                HeadNorm(query, layer.QueryNorm);
                RotaryKernel.Apply(query, cos, sin);
            }

            for (int head = 0; head < model.KvHeadCount; head++)
            {
                Span<float> key = row.Slice(model.QueryWidth + (head * headDim), headDim);
                HeadNorm(key, layer.KeyNorm);
                RotaryKernel.Apply(key, cos, sin);
                cache.Store(layerIndex, head, position, key, row.Slice(model.QueryWidth + model.KvWidth + (head * headDim), headDim));
            }
        }
    }

    private void HeadNorm(Span<float> head, RmsNormWeight? norm)
    {
        if (norm is { } weight)
        {
            Span<float> normalized = headScratch;
            RmsNormKernel.Apply(head, weight.Span, weight.Epsilon, normalized);
            normalized.CopyTo(head);
        }
    }

    private void Attend(int layerIndex, Span<float> qkvRows, Span<float> output, int tokens, int first)
    {
        fixed (float* qkvPointer = qkvRows)
        fixed (float* outputPointer = output)
        fixed (float* scoresPointer = scores)
        {
            var work = new AttentionWork
            {
                Qkv = qkvPointer,
                QkvStride = model.QueryWidth + (2 * model.KvWidth),
                Output = outputPointer,
                OutputStride = model.QueryWidth,
                Scores = scoresPointer,
                ScoresStride = ContextLength,
                Cache = cache,
                Layer = layerIndex,
                TokenCount = tokens,
                FirstPosition = first,
                HeadDim = model.HeadDim,
                GroupSize = model.HeadCount / model.KvHeadCount,
                Scale = model.AttentionScale,
                ByKvHead = model.KvHeadCount >= pool.ThreadCount && model.HeadDim <= AttentionKernel.MaxHeadDim,
            };
            pool.Run(work.ByKvHead ? model.KvHeadCount : model.HeadCount, 1, ref work);
        }
    }

    private void ThrowIfStopRequested()
    {
        if (stopRequested)
        {
            stopRequested = false;
            throw new OperationCanceledException("generation stopped");
        }
    }

    private void EnsureRoom(int tokenCount)
    {
        if (Position + tokenCount > ContextLength)
        {
            throw new ContextFullException(Position, tokenCount, ContextLength);
        }
    }

    private static float[] Buffer(int length) => GC.AllocateUninitializedArray<float>(Math.Max(length, 1), pinned: true);
}

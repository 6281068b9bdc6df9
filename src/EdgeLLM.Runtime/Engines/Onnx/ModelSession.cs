using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Format.Providers;
using EdgeLLM.Format;
using EdgeLLM.Runtime.Engines;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Model;
using EdgeLLM.Runtime.Native;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeLLM.Runtime.Engines.Onnx;

/// <summary>
/// The only type that talks to ONNX Runtime: one decoder session with the ORT GenAI graph contract
/// (input_ids, attention_mask, past_key_values.*, logits, present.*), a shared-buffer
/// <see cref="KvCache"/> bound once, and pre-allocated input and logits buffers, so a decode step
/// rebinds only the attention mask and allocates no tensors.
/// </summary>
public sealed class ModelSession : IDecoderEngine
{
    private const string InputIdsName = GraphContract.InputIds;
    private const string AttentionMaskName = GraphContract.AttentionMask;
    private const string LogitsName = GraphContract.Logits;

    private readonly InferenceSession session;
    private readonly OrtIoBinding binding;
    private readonly RunOptions runOptions;
    private readonly KvCache cache;
    private readonly long[] maskOnes;
    private readonly OrtValue?[] masksByLength;
    private readonly long[] decodeToken = new long[1];
    private readonly OrtValue decodeTokenValue;
    private readonly float[] lastLogits;
    private readonly Float16[]? lastLogitsHalf;
    private readonly OrtValue lastLogitsValue;
    private readonly bool graphEmitsLastPositionOnly;
    private bool decodeBound;
    private bool disposed;

    private ModelSession(InferenceSession session, int contextLength, ExecutionProvider provider, int threads, int prefillChunk)
    {
        this.session = session;
        ExecutionProvider = provider;
        Threads = threads;
        PrefillChunk = prefillChunk;
        (int layerCount, int kvHeadCount, int headDim, TensorElementType cacheType) = DescribeCache(session);
        NodeMetadata logitsMetadata = session.OutputMetadata.TryGetValue(LogitsName, out NodeMetadata? found)
            ? found
            : throw new EdgeLlmException($"model has no '{LogitsName}' output: not an EdgeLLM/ORT GenAI decoder graph");
        int[] logitsDims = logitsMetadata.Dimensions;
        VocabSize = logitsDims.Length == 3 && logitsDims[2] > 0
            ? logitsDims[2]
            : throw new EdgeLlmException("model's logits output must be [batch, sequence, vocab] with a fixed vocab size");
        graphEmitsLastPositionOnly = logitsDims[1] == 1;
        ContextLength = contextLength;
        LayerCount = layerCount;

        runOptions = new RunOptions();
        binding = session.CreateIoBinding();
        cache = new KvCache(layerCount, kvHeadCount, contextLength, headDim, cacheType);
        maskOnes = new long[contextLength];
        Array.Fill(maskOnes, 1L);
        masksByLength = new OrtValue?[contextLength + 1];
        for (int length = 1; length <= contextLength; length++)
        {
            // One view per length over the same ones, made once: a decode step binds without allocating a tensor.
            masksByLength[length] = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, maskOnes.AsMemory(0, length), [1, length]);
        }

        decodeTokenValue = OrtValue.CreateTensorValueFromMemory(decodeToken, [1, 1]);
        lastLogits = new float[VocabSize];
        if (logitsMetadata.ElementDataType == TensorElementType.Float16)
        {
            // The DirectML variant's logits are fp16: bound to their own buffer, widened into lastLogits after each run.
            lastLogitsHalf = new Float16[VocabSize];
            lastLogitsValue = OrtValue.CreateTensorValueFromMemory(lastLogitsHalf, [1, 1, VocabSize]);
        }
        else
        {
            lastLogitsValue = OrtValue.CreateTensorValueFromMemory(lastLogits, [1, 1, VocabSize]);
        }

        cache.BindTo(binding);
    }

    /// <summary>Tokens the KV cache holds (the next token's position).</summary>
    public int Position { get; private set; }

    public string Name => "onnx";

    public string Description => $"ONNX Runtime ({ExecutionProvider})";

    public string? KernelIsa => null;

    public int ContextLength { get; }

    public int VocabSize { get; }

    public int LayerCount { get; }

    public int Threads { get; }

    public ExecutionProvider ExecutionProvider { get; }

    /// <summary>Prompt tokens per prefill run; 0 runs a prompt in one pass.</summary>
    public int PrefillChunk { get; }

    /// <summary>Bytes of the KV cache buffers.</summary>
    public long KvCacheBytes => cache.ByteCount;

    /// <summary>
    /// Opens <c>model.onnx</c> in <paramref name="modelFolder"/>; a provider other than CPU that fails to
    /// initialise falls back to CPU and reports why through <paramref name="fallbackNotice"/>.
    /// <paramref name="deviceId"/> is the provider's device (DXGI adapter index or CUDA ordinal);
    /// <paramref name="prefillChunk"/> splits long prompts into runs of that many tokens (0: one run).
    /// </summary>
    public static ModelSession Open(string modelFolder, int contextLength, int threads, ExecutionProvider provider, Action<string>? fallbackNotice = null, int deviceId = 0, int prefillChunk = 0)
    {
        string modelPath = Path.Combine(modelFolder, "model.onnx");
        if (!File.Exists(modelPath))
        {
            throw new FileNotFoundException($"no model.onnx in '{modelFolder}'", modelPath);
        }

        if (contextLength <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(contextLength), $"context length must be positive, got {contextLength}");
        }

        InferenceSession session;
        ExecutionProvider used = provider;
        lock (WeightFilePages.Gate)
        {
            try
            {
                session = CreateSession(modelPath, threads, provider, deviceId);
            }
            catch (OnnxRuntimeException exception) when (provider != ExecutionProvider.Cpu)
            {
                fallbackNotice?.Invoke($"{provider} could not start ({OneLine(exception)}); using the CPU");
                used = ExecutionProvider.Cpu;
                session = CreateSession(modelPath, threads, ExecutionProvider.Cpu, 0);
            }
            catch (EntryPointNotFoundException) when (provider != ExecutionProvider.Cpu)
            {
                fallbackNotice?.Invoke($"{provider} is not in this build of ONNX Runtime; using the CPU");
                used = ExecutionProvider.Cpu;
                session = CreateSession(modelPath, threads, ExecutionProvider.Cpu, 0);
            }

            // ONNX Runtime has read the mapped weight file to prepack it; its pages need not stay resident.
            WeightFilePages.Trim(modelFolder);
        }

        try
        {
            return new ModelSession(session, contextLength, used, threads, Math.Max(prefillChunk, 0));
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Runs the prompt (or a later part of it), <see cref="PrefillChunk"/> tokens per run; returns the last position's logits.</summary>
    public ReadOnlySpan<float> Prefill(ReadOnlySpan<int> tokenIds)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (tokenIds.IsEmpty)
        {
            throw new ArgumentException("prefill needs at least one token", nameof(tokenIds));
        }

        EnsureRoom(tokenIds.Length);
        int chunk = PrefillChunk > 0 ? PrefillChunk : tokenIds.Length;
        for (; tokenIds.Length > chunk; tokenIds = tokenIds[chunk..])
        {
            PrefillRun(tokenIds[..chunk]);
        }

        return PrefillRun(tokenIds);
    }

    private ReadOnlySpan<float> PrefillRun(ReadOnlySpan<int> tokenIds)
    {
        long[] ids = new long[tokenIds.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = tokenIds[i];
        }

        using OrtValue idsValue = OrtValue.CreateTensorValueFromMemory(ids, [1, ids.Length]);
        binding.BindInput(InputIdsName, idsValue);
        decodeBound = false;
        int total = Position + ids.Length;
        binding.BindInput(AttentionMaskName, masksByLength[total]!);
        if (graphEmitsLastPositionOnly)
        {
            binding.BindOutput(LogitsName, lastLogitsValue);
            Run();
            WidenHalfLogits();
        }
        else
        {
            binding.BindOutputToDevice(LogitsName, OrtMemoryInfo.DefaultInstance);
            Run();
            using IDisposableReadOnlyCollection<OrtValue> outputs = binding.GetOutputValues();
            OrtValue logits = outputs.ElementAt(OutputIndex(LogitsName));
            int lastRow = (ids.Length - 1) * VocabSize;
            if (lastLogitsHalf is null)
            {
                logits.GetTensorDataAsSpan<float>().Slice(lastRow, VocabSize).CopyTo(lastLogits);
            }
            else
            {
                Widen(logits.GetTensorDataAsSpan<Float16>().Slice(lastRow, VocabSize), lastLogits);
            }

            binding.BindOutput(LogitsName, lastLogitsValue);
        }

        Position = total;
        return lastLogits;
    }

    /// <summary>Feeds one token at <see cref="Position"/>; returns its logits. Allocates no tensor.</summary>
    public ReadOnlySpan<float> Decode(int tokenId)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        EnsureRoom(1);
        decodeToken[0] = tokenId;
        if (!decodeBound)
        {
            binding.BindInput(InputIdsName, decodeTokenValue);
            binding.BindOutput(LogitsName, lastLogitsValue);
            decodeBound = true;
        }

        binding.BindInput(AttentionMaskName, masksByLength[Position + 1]!);
        Run();
        WidenHalfLogits();
        Position++;
        return lastLogits;
    }

    /// <summary>Withdraws a stop request that arrived after the last run.</summary>
    public void ClearStopRequest() => runOptions.Terminate = false;

    /// <summary>Forgets the cached tokens (the buffers stay allocated).</summary>
    public void Reset() => Position = 0;

    /// <summary>
    /// Keeps only the first <paramref name="position"/> cached tokens: the next run overwrites the rest
    /// (attention reads only the rows the mask counts), so a new prompt sharing a prefix reuses it.
    /// </summary>
    public void Rewind(int position)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(position, Position);
        Position = position;
    }

    /// <summary>Asks a run in progress (on another thread) to stop; it ends with <see cref="OperationCanceledException"/>.</summary>
    public void RequestStop() => runOptions.Terminate = true;

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        binding.Dispose();
        cache.Dispose();
        foreach (OrtValue? mask in masksByLength)
        {
            mask?.Dispose();
        }

        decodeTokenValue.Dispose();
        lastLogitsValue.Dispose();
        runOptions.Dispose();

        // Releasing the session unmaps the weight file: never while another session's pages are trimmed.
        lock (WeightFilePages.Gate)
        {
            session.Dispose();
        }
    }

    private void Run()
    {
        try
        {
            session.RunWithBinding(runOptions, binding);
        }
        catch (OnnxRuntimeException exception) when (runOptions.Terminate)
        {
            runOptions.Terminate = false;
            throw new OperationCanceledException("generation stopped", exception);
        }
        catch (OnnxRuntimeException exception)
        {
            throw new EdgeLlmException($"ONNX Runtime failed: {OneLine(exception)}", exception);
        }
    }

    private void WidenHalfLogits()
    {
        if (lastLogitsHalf is not null)
        {
            Widen(lastLogitsHalf, lastLogits);
        }
    }

    private static void Widen(ReadOnlySpan<Float16> half, Span<float> destination)
    {
        for (int i = 0; i < half.Length; i++)
        {
            destination[i] = (float)half[i];
        }
    }

    private void EnsureRoom(int tokenCount)
    {
        if (Position + tokenCount > ContextLength)
        {
            throw new ContextFullException(Position, tokenCount, ContextLength);
        }
    }

    private int OutputIndex(string name)
    {
        string[] names = binding.GetOutputNames();
        int index = Array.IndexOf(names, name);
        return index >= 0 ? index : throw new EdgeLlmException($"output '{name}' was not produced");
    }

    private static InferenceSession CreateSession(string modelPath, int threads, ExecutionProvider provider, int deviceId)
    {
        _ = OnnxRuntimeEnvironment.Instance; // telemetry off before ONNX Runtime's environment exists
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = Math.Max(threads, 0),
            InterOpNumThreads = 1,
            // ONNX Runtime's own logger would print every load error a second time, in colour, to any stderr: its
            // errors reach the user once, as the one-line exception message below.
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL,
        };
        switch (provider)
        {
            case ExecutionProvider.Cuda:
                options.AppendExecutionProvider_CUDA(deviceId);
                break;
            case ExecutionProvider.DirectML:
                options.AppendExecutionProvider_DML(deviceId);
                break;
        }

        try
        {
            return new InferenceSession(modelPath, options);
        }
        catch (OnnxRuntimeException exception) when (provider == ExecutionProvider.Cpu)
        {
            throw new EdgeLlmException($"'{modelPath}' could not be loaded: {OneLine(exception)}", exception);
        }
    }

    private static (int LayerCount, int KvHeadCount, int HeadDim, TensorElementType ElementType) DescribeCache(InferenceSession session)
    {
        int layerCount = 0;
        while (session.InputMetadata.ContainsKey(GraphContract.PastKey(layerCount)))
        {
            layerCount++;
        }

        if (layerCount == 0)
        {
            throw new EdgeLlmException("model has no past_key_values.0.key input: not a decoder graph with a KV cache");
        }

        NodeMetadata past = session.InputMetadata[GraphContract.PastKey(0)];
        int[] dims = past.Dimensions;
        if (dims.Length != 4 || dims[1] <= 0 || dims[3] <= 0)
        {
            throw new EdgeLlmException("past_key_values.0.key must be [batch, kv_heads, past_sequence, head_dim] with fixed kv_heads and head_dim");
        }

        return (layerCount, dims[1], dims[3], past.ElementDataType);
    }

    private static string OneLine(Exception exception) => exception.Message.ReplaceLineEndings(" ").Trim();
}

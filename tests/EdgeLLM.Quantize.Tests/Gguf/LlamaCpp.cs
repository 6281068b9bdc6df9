using LLama;
using LLama.Common;
using LLama.Native;

namespace EdgeLLM.Quantize.Tests.Gguf;

/// <summary>
/// llama.cpp through LLamaSharp 0.30.0 (its bundled native library, CPU build): configured once per
/// process before the first native call, two threads for decode and batches, no GPU layers.
/// </summary>
internal static class LlamaCpp
{
    public const int Threads = 2;

    private static readonly Lock Gate = new();
    private static bool configured;

    /// <summary>Picks the CPU backend (no CUDA, no Vulkan), silences llama.cpp's log and loads the library; idempotent.</summary>
    public static void Configure()
    {
        lock (Gate)
        {
            if (configured)
            {
                return;
            }

            NativeLibraryConfig.All.WithCuda(false).WithVulkan(false).WithLogCallback((_, _) => { });

            // Loads the native library through LLamaSharp's resolver now, before any other native entry point is bound.
            NativeApi.llama_empty_call();
            configured = true;
        }
    }

    public static LlamaCppModel Load(string ggufPath, int contextSize = 256)
    {
        Configure();
        var parameters = new ModelParams(ggufPath)
        {
            ContextSize = (uint)contextSize,
            BatchSize = (uint)contextSize,
            UBatchSize = (uint)contextSize,
            Threads = Threads,
            BatchThreads = Threads,
            GpuLayerCount = 0,
        };
        LLamaWeights weights = LLamaWeights.LoadFromFile(parameters);
        return new LlamaCppModel(weights, weights.CreateContext(parameters));
    }

    /// <summary>llama.cpp's own quantizer (llama_model_quantize), as <c>llama-quantize</c> runs it; a null output type keeps the file type's own choice.</summary>
    public static void Quantize(string source, string destination, LLamaFtype fileType, GGMLType? outputTensorType)
    {
        Configure();
        LLamaModelQuantizeParams parameters = LLamaModelQuantizeParams.Default();
        parameters.nthread = Threads;
        parameters.ftype = fileType;
        if (outputTensorType is { } outputType)
        {
            parameters.output_tensor_type = outputType;
        }

        uint status = NativeApi.llama_model_quantize(source, destination, ref parameters);
        if (status != 0)
        {
            throw new InvalidOperationException($"llama_model_quantize({source} → {destination}, {fileType}) returned {status}");
        }
    }
}

/// <summary>A loaded GGUF and one context: decode token batches and read logits.</summary>
internal sealed class LlamaCppModel(LLamaWeights weights, LLamaContext context) : IDisposable
{
    public LLamaWeights Weights { get; } = weights;

    public int VocabularySize => Weights.Vocab.Count;

    /// <summary>
    /// llama.cpp's tokenization of <paramref name="text"/> with special tokens parsed; with
    /// <paramref name="addSpecial"/> it adds BOS where the GGUF's tokenizer.ggml.add_bos_token says so.
    /// </summary>
    public int[] Tokenize(string text, bool addSpecial) => context.Tokenize(text, addSpecial, special: true).Select(token => (int)token).ToArray();

    /// <summary>Decodes <paramref name="tokens"/> at positions from <paramref name="start"/>; returns the logits of every position.</summary>
    public float[][] Decode(IReadOnlyList<int> tokens, int start)
    {
        var batch = new LLamaBatch();
        for (int i = 0; i < tokens.Count; i++)
        {
            batch.Add(tokens[i], start + i, LLamaSeqId.Zero, true);
        }

        DecodeResult result = context.Decode(batch);
        if (result != DecodeResult.Ok)
        {
            throw new InvalidOperationException($"llama_decode returned {result}");
        }

        return Enumerable.Range(0, tokens.Count).Select(i => context.NativeHandle.GetLogitsIth(i).ToArray()).ToArray();
    }

    public void Dispose()
    {
        context.Dispose();
        Weights.Dispose();
    }
}

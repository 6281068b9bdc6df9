using EdgeLLM.Quantize.Checkpoints;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeLLM.Quantize.Tests.Architectures;

/// <summary>
/// Runs a converted decoder folder with plain ONNX Runtime, batch 1, growing the attention mask by the
/// tokens fed. Two KV cache modes: present fed back as the next past (the default), or one
/// <c>[1, kv_heads, capacity, head_dim]</c> buffer per cache bound as both past and present through an
/// IoBinding (GenAI's past_present_share_buffer; what the EdgeLLM runtime does).
/// </summary>
internal sealed class DecoderRunner : IDisposable
{
    private readonly InferenceSession session;
    private readonly ModelConfig config;
    private readonly string[] presentNames;
    private readonly string[] pastNames;
    private readonly OrtValue[]? sharedCache;
    private float[][] past;
    private long pastLength;

    public DecoderRunner(string folder, ModelConfig config, int sharedCacheCapacity = 0)
    {
        this.config = config;
        using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        session = new InferenceSession(Path.Combine(folder, "model.onnx"), options);
        string[] parts = ["key", "value"];
        presentNames = Enumerable.Range(0, config.LayerCount).SelectMany(layer => parts.Select(part => $"present.{layer}.{part}")).ToArray();
        pastNames = Enumerable.Range(0, config.LayerCount).SelectMany(layer => parts.Select(part => $"past_key_values.{layer}.{part}")).ToArray();
        past = pastNames.Select(_ => Array.Empty<float>()).ToArray();
        if (sharedCacheCapacity > 0)
        {
            long[] shape = [1, config.KvHeadCount, sharedCacheCapacity, config.HeadDim];
            sharedCache = pastNames.Select(_ => OrtValue.CreateTensorValueFromMemory(new float[shape.Aggregate(1L, (a, b) => a * b)], shape)).ToArray();
        }
    }

    /// <summary>Feeds <paramref name="ids"/> after everything fed before; returns one logits row per position the graph outputs.</summary>
    public float[][] Feed(params long[] ids)
    {
        long total = pastLength + ids.Length;
        using OrtValue inputIds = OrtValue.CreateTensorValueFromMemory(ids, [1, ids.Length]);
        using OrtValue mask = OrtValue.CreateTensorValueFromMemory(Enumerable.Repeat(1L, (int)total).ToArray(), [1, total]);
        using var runOptions = new RunOptions();
        float[][] rows = sharedCache is null ? FeedConcatenating(inputIds, mask, runOptions, total) : FeedShared(inputIds, mask, runOptions);
        pastLength = total;
        return rows;
    }

    public void Dispose()
    {
        foreach (OrtValue value in sharedCache ?? [])
        {
            value.Dispose();
        }

        session.Dispose();
    }

    private float[][] FeedConcatenating(OrtValue inputIds, OrtValue mask, RunOptions runOptions, long total)
    {
        long[] pastShape = [1, config.KvHeadCount, pastLength, config.HeadDim];
        OrtValue[] pastValues = past.Select(values => values.Length == 0
            ? OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, pastShape)
            : OrtValue.CreateTensorValueFromMemory(values, pastShape)).ToArray();
        try
        {
            using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(
                runOptions, ["input_ids", "attention_mask", .. pastNames], [inputIds, mask, .. pastValues], ["logits", .. presentNames]);
            for (int index = 0; index < past.Length; index++)
            {
                Assert.Equal(new long[] { 1, config.KvHeadCount, total, config.HeadDim }, outputs[index + 1].GetTensorTypeAndShape().Shape);
                past[index] = outputs[index + 1].GetTensorDataAsSpan<float>().ToArray();
            }

            return LogitRows(outputs[0]);
        }
        finally
        {
            foreach (OrtValue value in pastValues)
            {
                value.Dispose();
            }
        }
    }

    private float[][] FeedShared(OrtValue inputIds, OrtValue mask, RunOptions runOptions)
    {
        using OrtIoBinding binding = session.CreateIoBinding();
        binding.BindInput("input_ids", inputIds);
        binding.BindInput("attention_mask", mask);
        for (int index = 0; index < pastNames.Length; index++)
        {
            binding.BindInput(pastNames[index], sharedCache![index]);
            binding.BindOutput(presentNames[index], sharedCache[index]);
        }

        binding.BindOutputToDevice("logits", OrtMemoryInfo.DefaultInstance);
        session.RunWithBinding(runOptions, binding);
        using IDisposableReadOnlyCollection<OrtValue> outputs = binding.GetOutputValues();
        return LogitRows(outputs.Single(value => value.GetTensorTypeAndShape().Shape[^1] == config.VocabSize));
    }

    private float[][] LogitRows(OrtValue logits)
    {
        long[] shape = logits.GetTensorTypeAndShape().Shape;
        Assert.Equal(config.VocabSize, shape[2]);
        ReadOnlySpan<float> values = logits.GetTensorDataAsSpan<float>();
        var rows = new float[shape[1]][];
        for (int row = 0; row < rows.Length; row++)
        {
            rows[row] = values.Slice(row * config.VocabSize, config.VocabSize).ToArray();
        }

        return rows;
    }
}

using EdgeLLM.Quantize.Checkpoints;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeLLM.Quantize.Tests.Architectures;

/// <summary>
/// Runs a converted decoder folder with plain ONNX Runtime, batch 1: feeds tokens, keeps the KV cache by
/// feeding each present back as the next past, and grows the attention mask (no GenAI involved).
/// </summary>
internal sealed class DecoderRunner : IDisposable
{
    private readonly InferenceSession session;
    private readonly ModelConfig config;
    private readonly string[] outputNames;
    private float[][] past;
    private long pastLength;

    public DecoderRunner(string folder, ModelConfig config)
    {
        this.config = config;
        using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        session = new InferenceSession(Path.Combine(folder, "model.onnx"), options);
        outputNames = ["logits", .. Enumerable.Range(0, config.LayerCount).SelectMany(layer => new[] { $"present.{layer}.key", $"present.{layer}.value" })];
        past = Enumerable.Range(0, 2 * config.LayerCount).Select(_ => Array.Empty<float>()).ToArray();
    }

    /// <summary>Tokens fed so far (the KV cache length).</summary>
    public long PastLength => pastLength;

    /// <summary>Feeds <paramref name="ids"/> after everything fed before; returns one logits row per position the graph outputs.</summary>
    public float[][] Feed(params long[] ids)
    {
        long total = pastLength + ids.Length;
        var inputNames = new List<string> { "input_ids", "attention_mask" };
        var inputs = new List<OrtValue>
        {
            OrtValue.CreateTensorValueFromMemory(ids, [1, ids.Length]),
            OrtValue.CreateTensorValueFromMemory(Enumerable.Repeat(1L, (int)total).ToArray(), [1, total]),
        };
        long[] pastShape = [1, config.KvHeadCount, pastLength, config.HeadDim];
        for (int layer = 0; layer < config.LayerCount; layer++)
        {
            inputNames.Add($"past_key_values.{layer}.key");
            inputs.Add(PastValue(past[2 * layer], pastShape));
            inputNames.Add($"past_key_values.{layer}.value");
            inputs.Add(PastValue(past[(2 * layer) + 1], pastShape));
        }

        try
        {
            using var runOptions = new RunOptions();
            using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(runOptions, inputNames, inputs, outputNames);
            long[] logitsShape = outputs[0].GetTensorTypeAndShape().Shape;
            Assert.Equal(config.VocabSize, logitsShape[2]);
            ReadOnlySpan<float> logits = outputs[0].GetTensorDataAsSpan<float>();
            var rows = new float[logitsShape[1]][];
            for (int row = 0; row < rows.Length; row++)
            {
                rows[row] = logits.Slice(row * config.VocabSize, config.VocabSize).ToArray();
            }

            for (int index = 0; index < past.Length; index++)
            {
                long[] presentShape = outputs[index + 1].GetTensorTypeAndShape().Shape;
                Assert.Equal(new long[] { 1, config.KvHeadCount, total, config.HeadDim }, presentShape);
                past[index] = outputs[index + 1].GetTensorDataAsSpan<float>().ToArray();
            }

            pastLength = total;
            return rows;
        }
        finally
        {
            foreach (OrtValue input in inputs)
            {
                input.Dispose();
            }
        }
    }

    public void Dispose() => session.Dispose();

    private static OrtValue PastValue(float[] values, long[] shape)
        => values.Length == 0
            ? OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, shape)
            : OrtValue.CreateTensorValueFromMemory(values, shape);
}

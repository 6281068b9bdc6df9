using EdgeLLM.Format.Providers;
using EdgeLLM.Runtime.Engines;
using EdgeLLM.Runtime.Engines.Cpu;
using EdgeLLM.Runtime.Engines.Onnx;
using EdgeLLM.Runtime.Model;

namespace EdgeLLM.Runtime.Tests.Engines;

/// <summary>Both engines by name, opened the same way for the test matrix.</summary>
internal static class TestEngines
{
    public const string Cpu = "cpu";
    public const string Onnx = "onnx";

    public static TheoryData<string> Both => [Cpu, Onnx];

    public static IDecoderEngine Open(string engine, string folder, int contextLength = 256, KvCachePrecision kvCache = KvCachePrecision.Auto, int threads = 2)
        => engine switch
        {
            Cpu => CpuEngine.Open(folder, new CpuEngineOptions { ContextLength = contextLength, Threads = threads, KvCache = kvCache }),
            Onnx => ModelSession.Open(folder, contextLength, threads, ExecutionProvider.Cpu),
            _ => throw new ArgumentOutOfRangeException(nameof(engine), engine, null),
        };

    /// <summary>Prefill, then <paramref name="steps"/> greedy steps: each step's logits (step 0 is the prompt's last position) and the chosen ids.</summary>
    public static (float[][] Logits, int[] Ids) Greedy(IDecoderEngine engine, int[] promptIds, int steps)
    {
        engine.Reset();
        var logits = new float[steps][];
        var ids = new int[steps];
        ReadOnlySpan<float> current = engine.Prefill(promptIds);
        for (int step = 0; step < steps; step++)
        {
            logits[step] = current.ToArray();
            ids[step] = LogitTolerance.ArgMax(current);
            if (step + 1 < steps)
            {
                current = engine.Decode(ids[step]);
            }
        }

        return (logits, ids);
    }

    /// <summary>Every prompt position's logits, one decode step per token through the KV cache.</summary>
    public static float[][] TeacherForced(IDecoderEngine engine, int[] ids)
    {
        engine.Reset();
        return [.. ids.Select(id => engine.Decode(id).ToArray())];
    }
}

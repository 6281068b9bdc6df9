using EdgeLLM.Format;

namespace EdgeLLM.Runtime.Engines;

/// <summary>The command-line spellings of <see cref="EngineChoice"/> and <see cref="KvCachePrecision"/>.</summary>
public static class EngineNames
{
    public static EngineChoice ParseEngine(string value) => value switch
    {
        "auto" => EngineChoice.Auto,
        "cpu" => EngineChoice.Cpu,
        "onnx" => EngineChoice.Onnx,
        _ => throw new EdgeLlmException($"engine must be auto, cpu or onnx, got '{value}'"),
    };

    public static KvCachePrecision ParseKvCache(string value) => value switch
    {
        "auto" => KvCachePrecision.Auto,
        "fp32" => KvCachePrecision.Float32,
        "fp16" => KvCachePrecision.Float16,
        _ => throw new EdgeLlmException($"KV cache precision must be auto, fp32 or fp16, got '{value}'"),
    };

    public static string Name(this EngineChoice choice) => choice switch
    {
        EngineChoice.Cpu => "cpu",
        EngineChoice.Onnx => "onnx",
        _ => "auto",
    };
}

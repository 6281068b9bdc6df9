namespace EdgeLLM.Runtime.Engines;

/// <summary><c>--engine</c>: auto (the CPU engine on the CPU provider when it supports the folder, else ONNX Runtime), cpu or onnx.</summary>
public enum EngineChoice
{
    Auto,
    Cpu,
    Onnx,
}

namespace EdgeLLM.Runtime.Model;

/// <summary>The ONNX Runtime execution providers EdgeLLM can drive.</summary>
public enum ExecutionProvider
{
    Cpu,
    DirectML,
    Cuda,
}

namespace EdgeLLM.Format.Providers;

/// <summary>The ONNX Runtime execution providers EdgeLLM can run a model on.</summary>
public enum ExecutionProvider
{
    Cpu,
    DirectML,
    Cuda,
}

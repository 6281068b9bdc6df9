using EdgeLLM.Format;

namespace EdgeLLM.Runtime.Engines.Cpu.Loading;

/// <summary>
/// The CPU engine does not recognise a part of the folder's graph (an operator, a layout, a weight type): one line
/// naming it. Told apart from a damaged folder because <c>auto</c> then falls back to ONNX Runtime.
/// </summary>
public sealed class UnsupportedGraphException : EdgeLlmException
{
    public UnsupportedGraphException()
        : base("the graph is not one the CPU engine reads")
    {
    }

    public UnsupportedGraphException(string message)
        : base(message)
    {
    }

    public UnsupportedGraphException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

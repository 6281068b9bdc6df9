using EdgeLLM.Runtime.Native;

namespace EdgeLLM.Runtime.Engines.Onnx;

/// <summary>
/// The execution providers the ONNX Runtime in this process offers (CPUExecutionProvider, DmlExecutionProvider,
/// CUDAExecutionProvider, ...), by ONNX Runtime's own names. The command line plans and reports with this list, so
/// it never reaches into ONNX Runtime itself: the runtime is the one door to it.
/// </summary>
public static class OnnxRuntimeProviders
{
    /// <summary>ONNX Runtime's available providers, through the process's one environment (telemetry off).</summary>
    public static IReadOnlyList<string> Available() => OnnxRuntimeEnvironment.Instance.GetAvailableProviders();
}

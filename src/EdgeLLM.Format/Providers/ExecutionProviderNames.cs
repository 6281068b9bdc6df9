namespace EdgeLLM.Format.Providers;

/// <summary>
/// The two spellings of each provider: EdgeLLM's short name (profiles, <c>--ep</c>) and the name
/// ONNX Runtime's GetAvailableProviders returns.
/// </summary>
public static class ExecutionProviderNames
{
    public static string ShortName(ExecutionProvider provider) => provider switch
    {
        ExecutionProvider.Cpu => "cpu",
        ExecutionProvider.DirectML => "dml",
        ExecutionProvider.Cuda => "cuda",
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "unknown execution provider"),
    };

    public static string OrtName(ExecutionProvider provider) => provider switch
    {
        ExecutionProvider.Cpu => "CPUExecutionProvider",
        ExecutionProvider.DirectML => "DmlExecutionProvider",
        ExecutionProvider.Cuda => "CUDAExecutionProvider",
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "unknown execution provider"),
    };

    /// <summary>Parses "cpu", "dml" or "cuda" (case-insensitive).</summary>
    public static bool TryParse(string shortName, out ExecutionProvider provider)
    {
        foreach (ExecutionProvider candidate in Enum.GetValues<ExecutionProvider>())
        {
            if (string.Equals(ShortName(candidate), shortName, StringComparison.OrdinalIgnoreCase))
            {
                provider = candidate;
                return true;
            }
        }

        provider = ExecutionProvider.Cpu;
        return false;
    }
}

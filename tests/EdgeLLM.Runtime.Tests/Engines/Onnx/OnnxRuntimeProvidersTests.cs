using EdgeLLM.Runtime.Engines.Onnx;

namespace EdgeLLM.Runtime.Tests.Engines.Onnx;

/// <summary>The providers the command line plans with come from the ONNX Runtime this process loads.</summary>
public sealed class OnnxRuntimeProvidersTests
{
    [Fact]
    public void ListsTheCpuProviderByOnnxRuntimesOwnNames()
    {
        IReadOnlyList<string> providers = OnnxRuntimeProviders.Available();

        Assert.Contains("CPUExecutionProvider", providers);
        Assert.All(providers, name => Assert.EndsWith("ExecutionProvider", name, StringComparison.Ordinal));
        Assert.Equal(providers.Count, providers.Distinct(StringComparer.Ordinal).Count());
    }
}

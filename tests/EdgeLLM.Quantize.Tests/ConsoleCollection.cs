namespace EdgeLLM.Quantize.Tests;

/// <summary>The converter's tests that run a verb in-process (console redirected, so not in parallel).</summary>
[CollectionDefinition(nameof(ConsoleCollection), DisableParallelization = true)]
public sealed class ConsoleCollection;

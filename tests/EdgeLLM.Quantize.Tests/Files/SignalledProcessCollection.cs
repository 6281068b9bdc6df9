namespace EdgeLLM.Quantize.Tests.Files;

/// <summary>
/// Tests that signal a real writing process at a moment they pick: alone, not beside the CPU-heavy quality tests. One CI
/// run saw synth exit 0 after SIGHUP, so the signal came after its last cancellation check; the likeliest cause is the
/// test thread, starved by those tests' parallel loops, seeing the write start late.
/// </summary>
[CollectionDefinition(nameof(SignalledProcessCollection), DisableParallelization = true)]
public sealed class SignalledProcessCollection;

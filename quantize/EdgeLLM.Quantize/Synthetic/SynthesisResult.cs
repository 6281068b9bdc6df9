namespace EdgeLLM.Quantize.Synthetic;

/// <summary>What <see cref="CheckpointSynthesizer"/> wrote.</summary>
public sealed record SynthesisResult(string OutputFolder, int TensorCount, long TensorBytes, IReadOnlyList<string> Files, TimeSpan Elapsed);

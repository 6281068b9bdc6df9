namespace EdgeLLM.Format.ModelFolder;

/// <summary>The <c>bits_per_weight</c> figures of edgellm.json.</summary>
public sealed record BitsPerWeightSummary(double Linear, double Quantized, double Folder, double LlamaCppQ4_0, double LlamaCppQ4_K_M);

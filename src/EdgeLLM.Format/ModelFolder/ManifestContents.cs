using EdgeLLM.Format.Files;

namespace EdgeLLM.Format.ModelFolder;

/// <summary>Everything edgellm.json records, as <see cref="ModelManifestWriter"/> writes it.</summary>
/// <param name="Source">The checkpoint the model was converted from.</param>
/// <param name="Precision">"fp32", "fp16", "int4" or "int8".</param>
/// <param name="ContextLength">The context the graph serves (<c>max_context</c>).</param>
/// <param name="LastPositionLogitsOnly">True when the graph computes logits for the last position only.</param>
/// <param name="FusedRotary">True when RoPE runs inside GroupQueryAttention.</param>
/// <param name="Model">The decoder's dimensions and RoPE.</param>
/// <param name="WeightBytes">Size of model.onnx.data.</param>
/// <param name="Files">Every file of the folder, with its size and checksum.</param>
public sealed record ManifestContents(
    ManifestSource Source,
    string Precision,
    int ContextLength,
    bool LastPositionLogitsOnly,
    bool FusedRotary,
    ManifestModel Model,
    long WeightBytes,
    IReadOnlyList<OutputFile> Files)
{
    /// <summary>The execution provider the graph is shaped for: "cpu", or "dml" (fp16 I/O).</summary>
    public string Target { get; init; } = "cpu";

    /// <summary>The quantization applied, or null for fp32/fp16.</summary>
    public QuantizationSummary? Quantization { get; init; }
}

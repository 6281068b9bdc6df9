namespace EdgeLLM.Quantize.Checkpoints;

/// <summary>
/// Decodes the stored elements of a tensor that is not a plain float array (a GGUF file's ggml blocks)
/// to fp32 on demand, so a <see cref="TensorView"/> over it streams like any other: no copy of the tensor.
/// </summary>
public interface ITensorDecoder
{
    /// <summary>How the elements are stored (e.g. "Q4_K"), for messages and manifests.</summary>
    string StorageName { get; }

    /// <summary>Converts elements [elementOffset, elementOffset + destination.Length) (row-major, Hugging Face order) to fp32.</summary>
    void Decode(long elementOffset, Span<float> destination);
}

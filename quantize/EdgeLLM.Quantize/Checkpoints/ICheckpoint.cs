using EdgeLLM.Format;

namespace EdgeLLM.Quantize.Checkpoints;

/// <summary>
/// A Hugging Face checkpoint: its parsed configuration and its tensors by Hugging Face name.
/// Implemented by <c>CheckpointFolder</c> (memory-mapped safetensors, sharded or not) and by the
/// synthetic weight recipe. Tensor views stay valid until the checkpoint is disposed.
/// </summary>
public interface ICheckpoint : IDisposable
{
    ModelConfig Config { get; }

    /// <summary>Every tensor name, in a stable order.</summary>
    IReadOnlyList<string> TensorNames { get; }

    bool Contains(string name);

    /// <summary>The tensor, or an <see cref="EdgeLlmException"/> naming it when it is absent.</summary>
    TensorView GetTensor(string name);

    /// <summary>The tensor's stored size in bytes, without reading (or generating) its data.</summary>
    long ByteCount(string name);

    /// <summary>
    /// Tells the source that the caller is done with this tensor so the pages it touched can be
    /// released (streaming conversion keeps one tensor resident at a time). Optional to honour.
    /// </summary>
    void Release(string name);
}

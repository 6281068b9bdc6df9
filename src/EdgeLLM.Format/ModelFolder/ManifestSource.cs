using EdgeLLM.Format.Files;

namespace EdgeLLM.Format.ModelFolder;

/// <summary>edgellm.json's <c>source</c>: the checkpoint's path, architecture, dtype and files.</summary>
/// <param name="Path">The source folder or file (full path), or null when there was none (synthetic weights).</param>
/// <param name="Architecture">The config's <c>model_type</c>.</param>
/// <param name="TorchDtype">The config's <c>torch_dtype</c>, when given.</param>
/// <param name="Files">The checkpoint files read, with size and checksum.</param>
public sealed record ManifestSource(string? Path, string Architecture, string? TorchDtype, IReadOnlyList<OutputFile> Files)
{
    /// <summary>What the source format adds (GGUF: tensor type mix), or null.</summary>
    public SourceDetails? Details { get; init; }
}

namespace EdgeLLM.Format.ModelFolder;

/// <summary>
/// What edgellm.json records about a single-file source besides its path and checksum: the format,
/// how many tensors of each stored type it holds, and how each type was carried into the model.
/// </summary>
public sealed record SourceDetails(string Format, IReadOnlyDictionary<string, int> TensorTypes, IReadOnlyDictionary<string, string> StoredAs);

namespace EdgeLLM.Format.Files;

/// <summary>What checking a folder against its manifest found: every problem by file name.</summary>
public sealed record FolderVerification(
    IReadOnlyList<string> Missing,
    IReadOnlyList<string> WrongSize,
    IReadOnlyList<string> Corrupted,
    IReadOnlyList<string> Extra)
{
    public bool IsIntact => Missing.Count == 0 && WrongSize.Count == 0 && Corrupted.Count == 0 && Extra.Count == 0;

    /// <summary>One line per problem: "missing: model.onnx.data", "corrupted: model.onnx (checksum differs)".</summary>
    public IEnumerable<string> Problems()
    {
        foreach (string name in Missing)
        {
            yield return $"missing: {name}";
        }

        foreach (string name in WrongSize)
        {
            yield return $"wrong size: {name} (truncated or replaced)";
        }

        foreach (string name in Corrupted)
        {
            yield return $"corrupted: {name} (checksum differs)";
        }

        foreach (string name in Extra)
        {
            yield return $"extra: {name} (not in the manifest)";
        }
    }
}

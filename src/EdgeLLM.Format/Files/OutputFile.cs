namespace EdgeLLM.Format.Files;

/// <summary>One written file: name inside the output folder, size and XXH3-128 checksum (<see cref="FileChecksum"/>).</summary>
public sealed record OutputFile(string Name, long Bytes, string Checksum);

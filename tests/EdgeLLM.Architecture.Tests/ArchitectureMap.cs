namespace EdgeLLM.Architecture.Tests;

/// <summary>
/// The "Allowed references" table of docs/architecture.md: project name → the projects it may reference.
/// "—" (or an empty cell) means none.
/// </summary>
internal sealed class ArchitectureMap
{
    private const string Heading = "## Allowed references";

    private ArchitectureMap(IReadOnlyDictionary<string, IReadOnlySet<string>> allowed) => Allowed = allowed;

    public IReadOnlyDictionary<string, IReadOnlySet<string>> Allowed { get; }

    public static ArchitectureMap Read(string markdownPath)
    {
        string[] lines = File.ReadAllLines(markdownPath);
        int start = Array.FindIndex(lines, line => line.Trim() == Heading);
        if (start < 0)
        {
            throw new InvalidDataException($"{markdownPath}: no '{Heading}' section");
        }

        Dictionary<string, IReadOnlySet<string>> allowed = new(StringComparer.Ordinal);
        for (int index = start + 1; index < lines.Length && !lines[index].StartsWith("## ", StringComparison.Ordinal); index++)
        {
            string line = lines[index].Trim();
            if (!line.StartsWith('|') || line.StartsWith("|---", StringComparison.Ordinal) || line.StartsWith("| project", StringComparison.Ordinal))
            {
                continue;
            }

            string[] cells = line.Trim('|').Split('|', StringSplitOptions.TrimEntries);
            if (cells.Length != 2)
            {
                throw new InvalidDataException($"{markdownPath}: line {index + 1}: expected '| project | may reference |'");
            }

            HashSet<string> targets = cells[1] is "—" or "-" or ""
                ? []
                : [.. cells[1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
            if (!allowed.TryAdd(cells[0], targets))
            {
                throw new InvalidDataException($"{markdownPath}: line {index + 1}: '{cells[0]}' listed twice");
            }
        }

        return allowed.Count > 0
            ? new ArchitectureMap(allowed)
            : throw new InvalidDataException($"{markdownPath}: the '{Heading}' table is empty");
    }
}

using System.Globalization;

namespace EdgeLLM.SideBySide;

/// <summary>"--name value" pairs and bare "--flag"s of one harness verb.</summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, string?> values = new(StringComparer.Ordinal);

    public Arguments(IEnumerable<string> arguments)
    {
        string[] items = [.. arguments];
        for (int i = 0; i < items.Length; i++)
        {
            if (!items[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"unexpected argument '{items[i]}'");
            }

            bool hasValue = i + 1 < items.Length && !items[i + 1].StartsWith("--", StringComparison.Ordinal);
            values[items[i][2..]] = hasValue ? items[++i] : null;
        }
    }

    public string Text(string name) => Optional(name) ?? throw new ArgumentException($"--{name} is required");

    public string? Optional(string name) => values.TryGetValue(name, out string? value) ? value : null;

    public int Integer(string name, int fallback)
        => Optional(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    public bool Flag(string name) => values.ContainsKey(name);
}

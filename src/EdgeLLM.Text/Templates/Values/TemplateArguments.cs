namespace EdgeLLM.Text.Templates.Values;

/// <summary>Evaluated call arguments, with Python-style lookup by position or keyword.</summary>
internal sealed class TemplateArguments(string callee, IReadOnlyList<object?> positional, IReadOnlyList<KeyValuePair<string, object?>> keywords)
{
    public static TemplateArguments Empty(string callee) => new(callee, [], []);

    public string Callee { get; } = callee;

    public IReadOnlyList<object?> Positional { get; } = positional;

    public IReadOnlyList<KeyValuePair<string, object?>> Keywords { get; } = keywords;

    /// <summary>The argument at <paramref name="index"/> or named <paramref name="name"/>, else <paramref name="fallback"/>.</summary>
    public object? Get(int index, string name, object? fallback = null)
    {
        if (index < Positional.Count)
        {
            return Positional[index];
        }

        foreach (var keyword in Keywords)
        {
            if (keyword.Key == name)
            {
                return keyword.Value;
            }
        }

        return fallback;
    }

    public bool Has(int index, string name) => index < Positional.Count || Keywords.Any(keyword => keyword.Key == name);

    public object? Require(int index, string name) =>
        Has(index, name) ? Get(index, name) : throw new TemplateException($"{Callee}() missing required argument '{name}'");

    /// <summary>Rejects more positional arguments than <paramref name="names"/>, and keywords not among them.</summary>
    public TemplateArguments Accept(params string[] names)
    {
        if (Positional.Count > names.Length)
        {
            throw new TemplateException($"{Callee}() takes at most {names.Length} argument(s), got {Positional.Count}");
        }

        foreach (var keyword in Keywords)
        {
            if (!names.Contains(keyword.Key))
            {
                throw new TemplateException($"{Callee}() got an unexpected keyword argument '{keyword.Key}'");
            }
        }

        return this;
    }
}

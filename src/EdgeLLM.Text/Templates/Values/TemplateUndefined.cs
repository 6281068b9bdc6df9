namespace EdgeLLM.Text.Templates.Values;

/// <summary>
/// Jinja's default <c>Undefined</c>: falsy, renders as "", iterates as empty, has length 0, and equals only
/// another undefined. Arithmetic, attribute or item access and calls on it are errors naming what was missing.
/// </summary>
internal sealed class TemplateUndefined
{
    public TemplateUndefined(string hint)
    {
        Hint = hint;
    }

    /// <summary>Why the value is undefined, e.g. <c>'dict object' has no attribute 'tool_calls'</c>.</summary>
    public string Hint { get; }

    public static TemplateUndefined ForName(string name) => new($"'{name}' is undefined");

    public TemplateException Fail() => new(Hint);

    public override string ToString() => "";
}

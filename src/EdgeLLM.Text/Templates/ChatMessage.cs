namespace EdgeLLM.Text.Templates;

/// <summary>
/// One chat turn as a template sees it: a dict with <c>role</c>, <c>content</c> (null renders as None, so
/// <c>content is none</c> works) and any extra <see cref="Fields"/> (<c>tool_calls</c>, <c>reasoning_content</c>,
/// <c>tool_call_id</c>, ...). Fields not given are undefined in the template.
/// </summary>
public sealed record ChatMessage(string Role, string? Content)
{
    /// <summary>Extra keys: strings, numbers, booleans, null, dictionaries, lists or JsonElements.</summary>
    public IReadOnlyDictionary<string, object?> Fields { get; init; } = new Dictionary<string, object?>();
}

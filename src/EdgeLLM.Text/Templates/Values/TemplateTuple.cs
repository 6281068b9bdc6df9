namespace EdgeLLM.Text.Templates.Values;

/// <summary>
/// A Python tuple: <c>(a, b)</c> literals, <c>dict.items()</c> pairs. It behaves as a list everywhere except
/// in how it prints (<c>('a', 1)</c>), which matters when a template prints one.
/// </summary>
internal sealed class TemplateTuple : List<object?>
{
    public TemplateTuple(IEnumerable<object?> items)
        : base(items)
    {
    }
}

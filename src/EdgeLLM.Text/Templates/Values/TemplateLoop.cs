namespace EdgeLLM.Text.Templates.Values;

/// <summary>The <c>loop</c> variable inside a <c>for</c>: index, index0, revindex, first, last, length, cycle(...).</summary>
internal sealed class TemplateLoop(IReadOnlyList<object?> items)
{
    public int Index0 { get; set; }

    public int Length => items.Count;

    public object? GetAttribute(string name) => name switch
    {
        "index0" => (long)Index0,
        "index" => (long)Index0 + 1,
        "revindex0" => (long)(Length - Index0 - 1),
        "revindex" => (long)(Length - Index0),
        "first" => Index0 == 0,
        "last" => Index0 == Length - 1,
        "length" => (long)Length,
        "depth" => 1L,
        "depth0" => 0L,
        "previtem" => Index0 > 0 ? items[Index0 - 1] : new TemplateUndefined("there is no previous item"),
        "nextitem" => Index0 + 1 < Length ? items[Index0 + 1] : new TemplateUndefined("there is no next item"),
        "cycle" => new BuiltinFunction("loop.cycle", arguments => arguments.Positional.Count == 0
            ? throw new TemplateException("loop.cycle() needs at least one argument")
            : arguments.Positional[Index0 % arguments.Positional.Count]),
        _ => new TemplateUndefined($"'LoopContext' object has no attribute '{name}'"),
    };

    public override string ToString() => $"<LoopContext {Index0 + 1}/{Length}>";
}

namespace EdgeLLM.Text.Templates.Values;

/// <summary>A callable implemented in C#: a global such as <c>range</c>, or a string/dict method bound to its receiver.</summary>
internal sealed class BuiltinFunction(string name, Func<TemplateArguments, object?> body) : ITemplateCallable
{
    public string Name { get; } = name;

    public object? Invoke(TemplateArguments arguments) => body(arguments);

    public override string ToString() => $"<built-in function {Name}>";
}

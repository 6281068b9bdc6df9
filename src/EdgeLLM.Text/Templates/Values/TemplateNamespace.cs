namespace EdgeLLM.Text.Templates.Values;

/// <summary>The object <c>namespace(...)</c> returns: the one value a template may assign attributes on.</summary>
internal sealed class TemplateNamespace
{
    public OrderedDictionary<string, object?> Attributes { get; } = new(StringComparer.Ordinal);
}

using EdgeLLM.Text.Templates.Syntax;
using EdgeLLM.Text.Templates.Values;

namespace EdgeLLM.Text.Templates.Rendering;

/// <summary>A <c>{% macro %}</c> (or a <c>{% call %}</c> body as <c>caller</c>) bound to the scope it was defined in.</summary>
internal sealed class TemplateMacro(
    TemplateRenderer renderer,
    string name,
    IReadOnlyList<MacroParameter> parameters,
    IReadOnlyList<StatementNode> body,
    RenderScope closure) : ITemplateCallable
{
    public string Name { get; } = name;

    public object? Invoke(TemplateArguments arguments)
    {
        if (arguments.Positional.Count > parameters.Count)
        {
            throw new TemplateException($"macro '{Name}' takes {parameters.Count} argument(s), got {arguments.Positional.Count}");
        }

        var scope = new RenderScope(closure);
        foreach (var keyword in arguments.Keywords)
        {
            if (keyword.Key != "caller" && !parameters.Any(parameter => parameter.Name == keyword.Key))
            {
                throw new TemplateException($"macro '{Name}' has no parameter '{keyword.Key}'");
            }

            if (keyword.Key == "caller")
            {
                scope.Set("caller", keyword.Value);
            }
        }

        for (var index = 0; index < parameters.Count; index++)
        {
            var parameter = parameters[index];
            var value = arguments.Has(index, parameter.Name)
                ? arguments.Get(index, parameter.Name)
                : parameter.Default is null ? TemplateUndefined.ForName(parameter.Name) : renderer.Evaluate(parameter.Default, scope);
            scope.Set(parameter.Name, value);
        }

        return renderer.CallMacroBody(Name, body, scope);
    }

    public override string ToString() => $"<Macro '{Name}'>";
}

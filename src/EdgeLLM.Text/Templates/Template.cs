using EdgeLLM.Text.Templates.Rendering;
using EdgeLLM.Text.Templates.Syntax;
using EdgeLLM.Text.Templates.Values;

namespace EdgeLLM.Text.Templates;

/// <summary>
/// A parsed Jinja-subset template, rendered in a sandbox: it sees only the variables it is given (copied into
/// plain dicts and lists) and the globals transformers provides, within <see cref="TemplateLimits"/>.
/// </summary>
public sealed class Template
{
    private readonly IReadOnlyList<StatementNode> _body;

    private Template(IReadOnlyList<StatementNode> body, TemplateLimits limits)
    {
        _body = body;
        Limits = limits;
    }

    public TemplateLimits Limits { get; }

    /// <summary>Parses <paramref name="source"/>; a syntax error or unsupported tag throws <see cref="TemplateException"/>.</summary>
    public static Template Parse(string source, TemplateLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        limits ??= TemplateLimits.Default;
        return new Template(TemplateParser.Parse(source, limits), limits);
    }

    /// <summary>
    /// Renders with <paramref name="variables"/>; <paramref name="clock"/> feeds <c>strftime_now</c>.
    /// <paramref name="cancellation"/> ends the render at once (<see cref="OperationCanceledException"/>).
    /// </summary>
    public string Render(IReadOnlyDictionary<string, object?> variables, TimeProvider? clock = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var renderer = new TemplateRenderer(Limits, cancellation);
        var globals = new RenderScope(null);
        TemplateGlobals.AddTo(globals, renderer, clock ?? TimeProvider.System);
        var scope = new RenderScope(globals);
        foreach (var variable in variables)
        {
            scope.Set(variable.Key, TemplateValueImport.Import(variable.Value));
        }

        return renderer.Render(_body, scope);
    }
}

namespace EdgeLLM.Text.Templates.Rendering;

/// <summary>A variable frame: the render's globals, a loop iteration, a macro call or a <c>with</c> block.</summary>
internal sealed class RenderScope(RenderScope? parent)
{
    private readonly Dictionary<string, object?> _variables = new(StringComparer.Ordinal);

    public bool TryGet(string name, out object? value)
    {
        for (var scope = this; scope is not null; scope = scope.Parent)
        {
            if (scope._variables.TryGetValue(name, out value))
            {
                return true;
            }
        }

        value = null;
        return false;
    }

    public RenderScope? Parent { get; } = parent;

    public void Set(string name, object? value) => _variables[name] = value;
}

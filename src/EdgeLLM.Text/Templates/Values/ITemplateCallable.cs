namespace EdgeLLM.Text.Templates.Values;

/// <summary>Something a template may call: a built-in global, a whitelisted method, a macro, <c>caller</c>.</summary>
internal interface ITemplateCallable
{
    string Name { get; }

    object? Invoke(TemplateArguments arguments);
}

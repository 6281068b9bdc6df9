namespace EdgeLLM.Text.Templates.Values;

/// <summary>The Python type name of a template value, for error messages (<c>'str' object</c>, <c>'dict object'</c>).</summary>
internal static class TemplateTypeName
{
    public static string Of(object? value) => value switch
    {
        null => "NoneType",
        bool => "bool",
        long => "int",
        double => "float",
        string => "str",
        List<object?> => "list",
        OrderedDictionary<string, object?> => "dict",
        TemplateNamespace => "Namespace",
        TemplateUndefined => "Undefined",
        TemplateLoop => "LoopContext",
        ITemplateCallable => "function",
        _ => "object",
    };
}

using EdgeLLM.Text.Templates.Values;

namespace EdgeLLM.Text.Templates.Rendering;

/// <summary>Jinja's tests: <c>x is defined</c>, <c>x is not none</c>, <c>x is string</c>, <c>x is divisibleby(3)</c>, ...</summary>
internal static class TemplateTests
{
    public static bool Apply(string name, object? value, TemplateArguments arguments)
    {
        object? Other() => arguments.Require(0, "other");
        return name switch
        {
            "defined" => value is not TemplateUndefined,
            "undefined" => value is TemplateUndefined,
            "none" => value is null,
            "boolean" => value is bool,
            "true" => value is true,
            "false" => value is false,
            "string" => value is string,
            "number" => value is bool or long or double,
            "integer" => value is long,
            "float" => value is double,
            "mapping" => value is OrderedDictionary<string, object?>,
            "sequence" or "iterable" => value is string or List<object?> or OrderedDictionary<string, object?> or TemplateUndefined,
            "callable" => value is ITemplateCallable,
            "odd" => PythonOperators.AreEqual(PythonOperators.Arithmetic("%", value, 2L, 0), 1L),
            "even" => PythonOperators.AreEqual(PythonOperators.Arithmetic("%", value, 2L, 0), 0L),
            "divisibleby" => Integer(Other(), name) is var divisor && divisor != 0 ? Integer(value, name) % divisor == 0 : throw new TemplateException("divisibleby: division by zero"),
            "eq" or "equalto" or "==" => PythonOperators.AreEqual(value, Other()),
            "ne" or "!=" => !PythonOperators.AreEqual(value, Other()),
            "lt" or "lessthan" or "<" => PythonOperators.Compare("<", value, Other()),
            "le" or "<=" => PythonOperators.Compare("<=", value, Other()),
            "gt" or "greaterthan" or ">" => PythonOperators.Compare(">", value, Other()),
            "ge" or ">=" => PythonOperators.Compare(">=", value, Other()),
            "in" => PythonOperators.Contains(Other(), value),
            "sameas" => ReferenceEquals(value, Other()) || (value is null && Other() is null) || (value is bool flag && Other() is bool otherFlag && flag == otherFlag),
            "lower" => value is string lower && lower == lower.ToLowerInvariant(),
            "upper" => value is string upper && upper == upper.ToUpperInvariant(),
            _ => throw new TemplateException($"unknown test '{name}'"),
        };
    }

    private static long Integer(object? value, string test) => value switch
    {
        long integer => integer,
        bool flag => flag ? 1 : 0,
        _ => throw new TemplateException($"test '{test}' needs an integer, got '{TemplateTypeName.Of(value)}'"),
    };
}

namespace EdgeLLM.Text.Templates.Values;

/// <summary>The whitelisted Python <c>str</c> methods a template may call on a string.</summary>
internal static class StringMethods
{
    public static BuiltinFunction? Bind(string text, string name) => name switch
    {
        "split" => Method(name, arguments => PythonString.Split(text, OptionalString(arguments.Accept("sep", "maxsplit").Get(0, "sep"), name), IntegerOr(arguments.Get(1, "maxsplit"), -1, name))),
        "rsplit" => Method(name, arguments => ReverseSplit(text, OptionalString(arguments.Accept("sep", "maxsplit").Get(0, "sep"), name), IntegerOr(arguments.Get(1, "maxsplit"), -1, name))),
        "strip" => Method(name, arguments => PythonString.Strip(text, OptionalString(arguments.Accept("chars").Get(0, "chars"), name), left: true, right: true)),
        "lstrip" => Method(name, arguments => PythonString.Strip(text, OptionalString(arguments.Accept("chars").Get(0, "chars"), name), left: true, right: false)),
        "rstrip" => Method(name, arguments => PythonString.Strip(text, OptionalString(arguments.Accept("chars").Get(0, "chars"), name), left: false, right: true)),
        "startswith" => Method(name, arguments => Affixes(arguments.Accept("prefix").Require(0, "prefix"), name).Any(prefix => text.StartsWith(prefix, StringComparison.Ordinal))),
        "endswith" => Method(name, arguments => Affixes(arguments.Accept("suffix").Require(0, "suffix"), name).Any(suffix => text.EndsWith(suffix, StringComparison.Ordinal))),
        "replace" => Method(name, arguments =>
        {
            arguments.Accept("old", "new", "count");
            return PythonString.Replace(text, RequiredString(arguments.Require(0, "old"), name), RequiredString(arguments.Require(1, "new"), name), IntegerOr(arguments.Get(2, "count"), -1, name));
        }),
        "upper" => Method(name, arguments => WithoutArguments(arguments, text.ToUpperInvariant())),
        "lower" => Method(name, arguments => WithoutArguments(arguments, text.ToLowerInvariant())),
        "title" => Method(name, arguments => WithoutArguments(arguments, PythonString.Title(text))),
        "capitalize" => Method(name, arguments => WithoutArguments(arguments, PythonString.Capitalize(text))),
        "find" => Method(name, arguments => (long)text.IndexOf(RequiredString(arguments.Accept("sub").Require(0, "sub"), name), StringComparison.Ordinal)),
        "count" => Method(name, arguments => CountOccurrences(text, RequiredString(arguments.Accept("sub").Require(0, "sub"), name))),
        "splitlines" => Method(name, arguments => WithoutArguments(arguments, SplitLines(text))),
        "join" => Method(name, arguments => string.Join(text, PythonOperators.Iterate(arguments.Accept("iterable").Require(0, "iterable")).Select(item => RequiredString(item, name)))),
        "isdigit" => Method(name, arguments => WithoutArguments(arguments, text.Length > 0 && text.All(char.IsDigit))),
        "isspace" => Method(name, arguments => WithoutArguments(arguments, text.Length > 0 && text.All(PythonString.IsSpace))),
        _ => null,
    };

    private static BuiltinFunction Method(string name, Func<TemplateArguments, object?> body) => new("str." + name, body);

    private static object? WithoutArguments(TemplateArguments arguments, object? value)
    {
        arguments.Accept();
        return value;
    }

    private static string? OptionalString(object? value, string method) => value switch
    {
        null or TemplateUndefined => null,
        string text => text,
        _ => throw new TemplateException($"str.{method}() expects a string argument, got '{TemplateTypeName.Of(value)}'"),
    };

    private static string RequiredString(object? value, string method) =>
        value as string ?? throw new TemplateException($"str.{method}() expects a string argument, got '{TemplateTypeName.Of(value)}'");

    private static long IntegerOr(object? value, long fallback, string method) => value switch
    {
        null or TemplateUndefined => fallback,
        long integer => integer,
        _ => throw new TemplateException($"str.{method}() expects an integer count, got '{TemplateTypeName.Of(value)}'"),
    };

    private static IEnumerable<string> Affixes(object? value, string method) => value switch
    {
        string text => [text],
        List<object?> list => list.Select(item => RequiredString(item, method)),
        _ => throw new TemplateException($"str.{method}() expects a string or a tuple of strings, got '{TemplateTypeName.Of(value)}'"),
    };

    private static long CountOccurrences(string text, string part)
    {
        if (part.Length == 0)
        {
            return PythonString.Length(text) + 1;
        }

        var count = 0L;
        for (var index = text.IndexOf(part, StringComparison.Ordinal); index >= 0; index = text.IndexOf(part, index + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static List<object?> ReverseSplit(string text, string? separator, long maxSplit)
    {
        if (separator is null || maxSplit < 0)
        {
            return PythonString.Split(text, separator, maxSplit);
        }

        if (separator.Length == 0)
        {
            throw new TemplateException("rsplit(): empty separator");
        }

        var parts = new List<object?>();
        var end = text.Length;
        while (parts.Count < maxSplit)
        {
            var found = end == 0 ? -1 : text.LastIndexOf(separator, end - 1, StringComparison.Ordinal);
            if (found < 0 || found + separator.Length > end)
            {
                break;
            }

            parts.Insert(0, text[(found + separator.Length)..end]);
            end = found;
        }

        parts.Insert(0, text[..end]);
        return parts;
    }

    private static List<object?> SplitLines(string text)
    {
        var lines = new List<object?>();
        var start = 0;
        for (var index = 0; index < text.Length; index++)
        {
            if (text[index] is '\n' or '\r' or '\v' or '\f' or '\x1c' or '\x1d' or '\x1e' or '\x85' or '\u2028' or '\u2029')
            {
                lines.Add(text[start..index]);
                if (text[index] == '\r' && index + 1 < text.Length && text[index + 1] == '\n')
                {
                    index++;
                }

                start = index + 1;
            }
        }

        if (start < text.Length)
        {
            lines.Add(text[start..]);
        }

        return lines;
    }
}

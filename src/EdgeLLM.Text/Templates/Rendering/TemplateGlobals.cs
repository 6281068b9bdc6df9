using EdgeLLM.Text.Templates.Values;

namespace EdgeLLM.Text.Templates.Rendering;

/// <summary>
/// The globals transformers' environment provides: <c>range</c>, <c>namespace</c>, <c>dict</c>,
/// <c>raise_exception</c> and <c>strftime_now</c>. Nothing else (no <c>lipsum</c>, <c>cycler</c>, <c>joiner</c>).
/// </summary>
internal static class TemplateGlobals
{
    public static void AddTo(RenderScope scope, TemplateRenderer renderer, TimeProvider clock)
    {
        scope.Set("range", new BuiltinFunction("range", arguments => Range(renderer, arguments)));
        scope.Set("namespace", new BuiltinFunction("namespace", Namespace));
        scope.Set("dict", new BuiltinFunction("dict", arguments =>
        {
            if (arguments.Positional.Count > 0)
            {
                throw new TemplateException("dict() takes keyword arguments only");
            }

            var dictionary = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
            foreach (var keyword in arguments.Keywords)
            {
                dictionary[keyword.Key] = keyword.Value;
            }

            return dictionary;
        }));
        scope.Set("raise_exception", new BuiltinFunction("raise_exception", arguments =>
            throw new TemplateException("template raised an error: " + PythonText.Str(arguments.Accept("message").Get(0, "message", ""))) { RaisedByTemplate = true }));
        scope.Set("strftime_now", new BuiltinFunction("strftime_now", arguments =>
            arguments.Accept("format").Require(0, "format") is string format
                ? PythonStrftime.Format(clock.GetLocalNow().DateTime, format)
                : throw new TemplateException("strftime_now() expects a format string")));
    }

    private static TemplateNamespace Namespace(TemplateArguments arguments)
    {
        var ns = new TemplateNamespace();
        foreach (var initial in arguments.Positional)
        {
            if (initial is not OrderedDictionary<string, object?> dictionary)
            {
                throw new TemplateException("namespace() takes a dict or keyword arguments");
            }

            foreach (var entry in dictionary)
            {
                ns.Attributes[entry.Key] = entry.Value;
            }
        }

        foreach (var keyword in arguments.Keywords)
        {
            ns.Attributes[keyword.Key] = keyword.Value;
        }

        return ns;
    }

    private static List<object?> Range(TemplateRenderer renderer, TemplateArguments arguments)
    {
        var bounds = arguments.Positional.Select(value => value switch
        {
            long integer => integer,
            bool flag => flag ? 1L : 0L,
            _ => throw new TemplateException($"range() needs integers, got '{TemplateTypeName.Of(value)}'"),
        }).ToArray();
        var (start, stop, step) = bounds.Length switch
        {
            1 => (0L, bounds[0], 1L),
            2 => (bounds[0], bounds[1], 1L),
            3 => (bounds[0], bounds[1], bounds[2]),
            _ => throw new TemplateException($"range() takes 1 to 3 arguments, got {bounds.Length}"),
        };
        if (step == 0)
        {
            throw new TemplateException("range() step must not be zero");
        }

        var count = step > 0
            ? (stop > start ? ((stop - start - 1) / step) + 1 : 0)
            : (start > stop ? ((start - stop - 1) / -step) + 1 : 0);
        renderer.CountIterations(count);
        var items = new List<object?>((int)count);
        for (var index = 0L; index < count; index++)
        {
            items.Add(start + (index * step));
        }

        return items;
    }
}

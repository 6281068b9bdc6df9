using System.Globalization;
using EdgeLLM.Text.Templates.Values;

namespace EdgeLLM.Text.Templates.Rendering;

/// <summary>
/// The Jinja filters chat templates use, with Jinja's semantics; <c>tojson</c> is transformers' override
/// (<c>json.dumps</c> with <c>ensure_ascii=False</c>). An unknown filter is an error naming it.
/// </summary>
internal static class TemplateFilters
{
    public static object? Apply(TemplateRenderer renderer, string name, object? value, TemplateArguments arguments) => name switch
    {
        "trim" => PythonString.Strip(Text(value, name), OptionalText(arguments.Accept("chars").Get(0, "chars")), left: true, right: true),
        "tojson" => ToJson(value, arguments),
        "length" or "count" => NoArguments(arguments, PythonOperators.Length(value)),
        "default" or "d" => Default(value, arguments),
        "upper" => NoArguments(arguments, Text(value, name).ToUpperInvariant()),
        "lower" => NoArguments(arguments, Text(value, name).ToLowerInvariant()),
        "capitalize" => NoArguments(arguments, PythonString.Capitalize(Text(value, name))),
        "title" => NoArguments(arguments, JinjaTitle(Text(value, name))),
        "first" => NoArguments(arguments, PythonOperators.Iterate(value) is { Count: > 0 } items ? items[0] : new TemplateUndefined("first: the sequence is empty")),
        "last" => NoArguments(arguments, PythonOperators.Iterate(value) is { Count: > 0 } items ? items[^1] : new TemplateUndefined("last: the sequence is empty")),
        "join" => Join(renderer, value, arguments),
        "replace" => Replace(value, arguments),
        "string" => NoArguments(arguments, PythonText.Str(value)),
        "int" => value is TemplateUndefined undefined ? throw undefined.Fail() : ToInteger(value, arguments),
        "float" => value is TemplateUndefined undefined ? throw undefined.Fail() : ToFloat(value, arguments),
        "list" => NoArguments(arguments, PythonOperators.Iterate(value)),
        "items" => NoArguments(arguments, Items(value)),
        "dictsort" => DictSort(value, arguments),
        "reverse" => NoArguments(arguments, Reverse(value)),
        "unique" => NoArguments(arguments, Unique(value)),
        "sort" => Sort(value, arguments),
        "map" => Map(renderer, value, arguments),
        "select" => Select(renderer, value, arguments, keep: true, byAttribute: false),
        "reject" => Select(renderer, value, arguments, keep: false, byAttribute: false),
        "selectattr" => Select(renderer, value, arguments, keep: true, byAttribute: true),
        "rejectattr" => Select(renderer, value, arguments, keep: false, byAttribute: true),
        "abs" => NoArguments(arguments, value switch
        {
            long integer => (object)Math.Abs(integer),
            double real => Math.Abs(real),
            _ => throw new TemplateException($"abs: expected a number, got '{TemplateTypeName.Of(value)}'"),
        }),
        "round" => Round(value, arguments),
        "indent" => Indent(value, arguments),
        "safe" => NoArguments(arguments, value),
        "wordcount" => NoArguments(arguments, (long)PythonString.Split(Text(value, name), null, -1).Count),
        "sum" => Sum(value, arguments),
        "min" or "max" => MinMax(value, name == "max", arguments),
        _ => throw new TemplateException($"unknown filter '{name}'"),
    };

    private static object? NoArguments(TemplateArguments arguments, object? value)
    {
        arguments.Accept();
        return value;
    }

    private static string Text(object? value, string filter) => value switch
    {
        string text => text,
        TemplateUndefined => "",
        _ when filter is "trim" or "upper" or "lower" or "capitalize" or "title" or "wordcount" or "indent" or "replace" => PythonText.Str(value),
        _ => throw new TemplateException($"{filter}: expected a string, got '{TemplateTypeName.Of(value)}'"),
    };

    private static string? OptionalText(object? value) => value switch
    {
        null or TemplateUndefined => null,
        string text => text,
        _ => throw new TemplateException($"expected a string argument, got '{TemplateTypeName.Of(value)}'"),
    };

    private static string ToJson(object? value, TemplateArguments arguments)
    {
        arguments.Accept("indent", "separators", "sort_keys", "ensure_ascii");
        var indent = arguments.Get(0, "indent") switch
        {
            null or TemplateUndefined => null,
            long spaces => new string(' ', (int)Math.Clamp(spaces, 0, 64)),
            string text => text,
            var other => throw new TemplateException($"tojson: indent must be an integer or string, got '{TemplateTypeName.Of(other)}'"),
        };
        string? itemSeparator = null;
        string? keySeparator = null;
        if (arguments.Get(1, "separators") is List<object?> { Count: 2 } separators && separators[0] is string item && separators[1] is string key)
        {
            (itemSeparator, keySeparator) = (item, key);
        }

        if (arguments.Get(3, "ensure_ascii") is true)
        {
            throw new TemplateException("tojson: ensure_ascii=True is not supported");
        }

        return JsonText.Dump(value, indent, itemSeparator, keySeparator, PythonOperators.IsTruthy(arguments.Get(2, "sort_keys")));
    }

    private static object? Default(object? value, TemplateArguments arguments)
    {
        arguments.Accept("default_value", "boolean");
        var fallback = arguments.Get(0, "default_value", "");
        var boolean = PythonOperators.IsTruthy(arguments.Get(1, "boolean", false));
        return value is TemplateUndefined || (boolean && !PythonOperators.IsTruthy(value)) ? fallback : value;
    }

    /// <summary>Jinja's <c>title</c>: words start after whitespace, '-', '(', '{', '[' or '&lt;'.</summary>
    private static string JinjaTitle(string text)
    {
        var characters = text.ToCharArray();
        var wordStart = true;
        for (var index = 0; index < characters.Length; index++)
        {
            var character = characters[index];
            if (char.IsWhiteSpace(character) || character is '-' or '(' or '{' or '[' or '<')
            {
                wordStart = true;
                continue;
            }

            characters[index] = wordStart ? char.ToUpperInvariant(character) : char.ToLowerInvariant(character);
            wordStart = false;
        }

        return new string(characters);
    }

    private static string Join(TemplateRenderer renderer, object? value, TemplateArguments arguments)
    {
        arguments.Accept("d", "attribute");
        var separator = PythonText.Str(arguments.Get(0, "d", ""));
        var attribute = arguments.Get(1, "attribute");
        var items = PythonOperators.Iterate(value);
        renderer.CountIterations(items.Count);
        return string.Join(separator, items.Select(item => PythonText.Str(attribute is null ? item : Lookup(item, attribute))));
    }

    private static string Replace(object? value, TemplateArguments arguments)
    {
        arguments.Accept("old", "new", "count");
        var count = arguments.Get(2, "count") is long limit ? limit : -1;
        return PythonString.Replace(Text(value, "replace"), PythonText.Str(arguments.Require(0, "old")), PythonText.Str(arguments.Require(1, "new")), count);
    }

    private static object? ToInteger(object? value, TemplateArguments arguments)
    {
        arguments.Accept("default", "base");
        var fallback = arguments.Get(0, "default", 0L);
        return value switch
        {
            long integer => integer,
            bool flag => flag ? 1L : 0L,
            double real when !double.IsNaN(real) && !double.IsInfinity(real) => (long)Math.Truncate(real),
            string text when long.TryParse(text.Trim().Replace("_", "", StringComparison.Ordinal), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) => parsed,
            string text when double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && !double.IsInfinity(real) => (long)Math.Truncate(real),
            _ => fallback,
        };
    }

    private static object? ToFloat(object? value, TemplateArguments arguments)
    {
        arguments.Accept("default");
        var fallback = arguments.Get(0, "default", 0.0);
        return value switch
        {
            long integer => (double)integer,
            bool flag => flag ? 1.0 : 0.0,
            double => value,
            string text when double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var real) => real,
            _ => fallback,
        };
    }

    private static List<object?> Items(object? value) => value switch
    {
        OrderedDictionary<string, object?> dictionary => dictionary.Select(entry => (object?)new TemplateTuple([entry.Key, entry.Value])).ToList(),
        TemplateUndefined => [],
        _ => throw new TemplateException($"items: expected a mapping, got '{TemplateTypeName.Of(value)}'"),
    };

    private static List<object?> DictSort(object? value, TemplateArguments arguments)
    {
        arguments.Accept("case_sensitive", "by", "reverse");
        var caseSensitive = PythonOperators.IsTruthy(arguments.Get(0, "case_sensitive", false));
        var byValue = arguments.Get(1, "by", "key") switch
        {
            "key" => false,
            "value" => true,
            _ => throw new TemplateException("dictsort: 'by' must be 'key' or 'value'"),
        };
        var reverse = PythonOperators.IsTruthy(arguments.Get(2, "reverse", false));
        return StableSort(Items(value), pair => ((List<object?>)pair!)[byValue ? 1 : 0], caseSensitive, reverse);
    }

    /// <summary>Python's stable <c>sorted(items, key=..., reverse=...)</c>, strings compared lower-cased unless case-sensitive.</summary>
    private static List<object?> StableSort(List<object?> items, Func<object?, object?> key, bool caseSensitive, bool reverse)
    {
        object? Key(object? item)
        {
            var found = key(item);
            return !caseSensitive && found is string text ? text.ToLowerInvariant() : found;
        }

        var sorted = items.Select((item, index) => (item, index)).ToList();
        sorted.Sort((left, right) =>
        {
            var order = PythonOperators.Compare(Key(left.item), Key(right.item));
            return order != 0 ? (reverse ? -order : order) : left.index.CompareTo(right.index);
        });
        return sorted.Select(entry => entry.item).ToList();
    }

    private static object Reverse(object? value)
    {
        var items = PythonOperators.Iterate(value);
        items.Reverse();
        return value is string ? PythonString.Join(items.Cast<string>()) : items;
    }

    private static List<object?> Unique(object? value)
    {
        var unique = new List<object?>();
        foreach (var item in PythonOperators.Iterate(value))
        {
            if (!unique.Any(existing => PythonOperators.AreEqual(existing, item)))
            {
                unique.Add(item);
            }
        }

        return unique;
    }

    private static List<object?> Sort(object? value, TemplateArguments arguments)
    {
        arguments.Accept("reverse", "case_sensitive", "attribute");
        var reverse = PythonOperators.IsTruthy(arguments.Get(0, "reverse", false));
        var caseSensitive = PythonOperators.IsTruthy(arguments.Get(1, "case_sensitive", false));
        var attribute = arguments.Get(2, "attribute");
        return StableSort(PythonOperators.Iterate(value), item => attribute is null ? item : Lookup(item, attribute), caseSensitive, reverse);
    }

    /// <summary>Jinja's attribute lookup for filters: dotted paths, integer parts index lists.</summary>
    private static object? Lookup(object? item, object? attribute)
    {
        if (attribute is long index)
        {
            return MemberAccess.GetItem(item, index);
        }

        foreach (var part in PythonText.Str(attribute).Split('.'))
        {
            item = long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var position)
                ? MemberAccess.GetItem(item, position)
                : MemberAccess.GetItem(item, part);
        }

        return item;
    }

    private static List<object?> Map(TemplateRenderer renderer, object? value, TemplateArguments arguments)
    {
        var items = PythonOperators.Iterate(value);
        renderer.CountIterations(items.Count);
        if (arguments.Has(int.MaxValue, "attribute"))
        {
            var attribute = arguments.Get(int.MaxValue, "attribute");
            var hasDefault = arguments.Has(int.MaxValue, "default");
            return items.Select(item =>
            {
                var found = Lookup(item, attribute);
                return found is TemplateUndefined && hasDefault ? arguments.Get(int.MaxValue, "default") : found;
            }).ToList();
        }

        if (arguments.Require(0, "filter") is not string filter)
        {
            throw new TemplateException("map: expected a filter name or attribute=");
        }

        var rest = new TemplateArguments(filter, arguments.Positional.Skip(1).ToList(), arguments.Keywords);
        return items.Select(item => Apply(renderer, filter, item, rest)).ToList();
    }

    private static List<object?> Select(TemplateRenderer renderer, object? value, TemplateArguments arguments, bool keep, bool byAttribute)
    {
        var items = PythonOperators.Iterate(value);
        renderer.CountIterations(items.Count);
        var offset = byAttribute ? 1 : 0;
        var attribute = byAttribute ? arguments.Require(0, "attribute") : null;
        var test = arguments.Positional.Count > offset ? arguments.Positional[offset] as string : null;
        var testArguments = new TemplateArguments(test ?? "truthy", arguments.Positional.Skip(offset + 1).ToList(), []);
        return items.Where(item =>
        {
            var subject = byAttribute ? Lookup(item, attribute) : item;
            var passed = test is null ? PythonOperators.IsTruthy(subject) : TemplateTests.Apply(test, subject, testArguments);
            return passed == keep;
        }).ToList();
    }

    private static object Round(object? value, TemplateArguments arguments)
    {
        arguments.Accept("precision", "method");
        var precision = arguments.Get(0, "precision", 0L) is long digits ? (int)Math.Clamp(digits, 0, 15) : 0;
        var method = arguments.Get(1, "method", "common") as string ?? "common";
        var number = value switch
        {
            long integer => integer,
            double real => real,
            _ => throw new TemplateException($"round: expected a number, got '{TemplateTypeName.Of(value)}'"),
        };
        var scale = Math.Pow(10, precision);
        return method switch
        {
            "common" => Math.Round(number, precision, MidpointRounding.ToEven),
            "ceil" => Math.Ceiling(number * scale) / scale,
            "floor" => Math.Floor(number * scale) / scale,
            _ => throw new TemplateException("round: method must be 'common', 'ceil' or 'floor'"),
        };
    }

    private static string Indent(object? value, TemplateArguments arguments)
    {
        arguments.Accept("width", "first", "blank");
        var width = arguments.Get(0, "width", 4L) switch
        {
            long spaces => new string(' ', (int)Math.Clamp(spaces, 0, 256)),
            string text => text,
            var other => throw new TemplateException($"indent: width must be an integer or string, got '{TemplateTypeName.Of(other)}'"),
        };
        var first = PythonOperators.IsTruthy(arguments.Get(1, "first", false));
        var blank = PythonOperators.IsTruthy(arguments.Get(2, "blank", false));
        var lines = Text(value, "indent").Split('\n');
        for (var index = 0; index < lines.Length; index++)
        {
            if ((index > 0 || first) && (blank || lines[index].Length > 0))
            {
                lines[index] = width + lines[index];
            }
        }

        return string.Join('\n', lines);
    }

    private static object? Sum(object? value, TemplateArguments arguments)
    {
        arguments.Accept("attribute", "start");
        var attribute = arguments.Get(0, "attribute");
        var total = arguments.Get(1, "start", 0L);
        foreach (var item in PythonOperators.Iterate(value))
        {
            total = PythonOperators.Arithmetic("+", total, attribute is null ? item : Lookup(item, attribute), int.MaxValue);
        }

        return total;
    }

    private static object? MinMax(object? value, bool maximum, TemplateArguments arguments)
    {
        arguments.Accept("case_sensitive", "attribute");
        var items = PythonOperators.Iterate(value);
        if (items.Count == 0)
        {
            return new TemplateUndefined($"{(maximum ? "max" : "min")}: the sequence is empty");
        }

        var attribute = arguments.Get(1, "attribute");
        var caseSensitive = PythonOperators.IsTruthy(arguments.Get(0, "case_sensitive", false));
        object? Key(object? item)
        {
            var key = attribute is null ? item : Lookup(item, attribute);
            return !caseSensitive && key is string text ? text.ToLowerInvariant() : key;
        }

        var best = items[0];
        foreach (var item in items.Skip(1))
        {
            var order = PythonOperators.Compare(Key(item), Key(best));
            if (maximum ? order > 0 : order < 0)
            {
                best = item;
            }
        }

        return best;
    }
}

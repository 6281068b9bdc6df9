namespace EdgeLLM.Text.Templates.Values;

/// <summary>
/// The sandboxed <c>.name</c> and <c>[key]</c>: dictionary keys, list and string items, namespace attributes,
/// <c>loop</c> attributes and a whitelist of Python string and dict methods. Nothing reaches a .NET member;
/// names starting with an underscore are refused (an error, where Jinja's sandbox gives an unsafe undefined)
/// unless they are a dict's own key, which is data.
/// </summary>
internal static class MemberAccess
{
    /// <summary>Jinja's <c>getattr</c>: the attribute first (methods), then the item.</summary>
    public static object? GetAttribute(object? target, string name)
    {
        if (target is TemplateUndefined undefined)
        {
            throw undefined.Fail();
        }

        if (name.StartsWith('_'))
        {
            if (target is OrderedDictionary<string, object?> data && data.TryGetValue(name, out var item))
            {
                return item;
            }

            throw new TemplateException($"access to attribute '{name}' of '{TemplateTypeName.Of(target)}' object is unsafe");
        }

        return target switch
        {
            string text => (object?)StringMethods.Bind(text, name) ?? Missing(target, name),
            OrderedDictionary<string, object?> dictionary => (object?)DictionaryMethod(dictionary, name)
                ?? (dictionary.TryGetValue(name, out var value) ? value : Missing(target, name)),
            TemplateNamespace ns => ns.Attributes.TryGetValue(name, out var attribute) ? attribute : Missing(target, name),
            TemplateLoop loop => loop.GetAttribute(name),
            _ => Missing(target, name),
        };
    }

    /// <summary>Jinja's <c>getitem</c>: the item first, then (for a string key) the attribute.</summary>
    public static object? GetItem(object? target, object? key)
    {
        switch (target, key)
        {
            case (TemplateUndefined undefined, _):
                throw undefined.Fail();
            case (OrderedDictionary<string, object?> dictionary, string name) when dictionary.TryGetValue(name, out var value):
                return value;
            case (List<object?> or string, long or bool):
                return PythonOperators.Index(target, key is bool flag ? (flag ? 1 : 0) : (long)key);
            case (_, string name):
                return GetAttribute(target, name);
            default:
                return new TemplateUndefined($"'{TemplateTypeName.Of(target)}' object has no element {PythonText.Repr(key)}");
        }
    }

    private static TemplateUndefined Missing(object? target, string name) =>
        new($"'{TemplateTypeName.Of(target)} object' has no attribute '{name}'");

    private static BuiltinFunction? DictionaryMethod(OrderedDictionary<string, object?> dictionary, string name) => name switch
    {
        "get" => new BuiltinFunction("dict.get", arguments =>
        {
            arguments.Accept("key", "default");
            return arguments.Require(0, "key") is string key && dictionary.TryGetValue(key, out var value) ? value : arguments.Get(1, "default");
        }),
        "items" => new BuiltinFunction("dict.items", arguments =>
        {
            arguments.Accept();
            return dictionary.Select(entry => (object?)new TemplateTuple([entry.Key, entry.Value])).ToList();
        }),
        "keys" => new BuiltinFunction("dict.keys", arguments =>
        {
            arguments.Accept();
            return dictionary.Keys.Select(key => (object?)key).ToList();
        }),
        "values" => new BuiltinFunction("dict.values", arguments =>
        {
            arguments.Accept();
            return dictionary.Values.ToList();
        }),
        _ => null,
    };
}

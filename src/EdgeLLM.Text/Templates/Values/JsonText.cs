using System.Globalization;
using System.Text;

namespace EdgeLLM.Text.Templates.Values;

/// <summary>
/// Python's <c>json.dumps(value, ensure_ascii=False, indent=..., separators=..., sort_keys=...)</c>, which is
/// what transformers installs as the <c>tojson</c> filter (no HTML escaping, non-ASCII kept as is).
/// </summary>
internal static class JsonText
{
    public static string Dump(object? value, string? indent, string? itemSeparator, string? keySeparator, bool sortKeys)
    {
        var builder = new StringBuilder();
        var writer = new Writer(builder, indent, itemSeparator ?? (indent is null ? ", " : ","), keySeparator ?? ": ", sortKeys);
        writer.Write(value, 0);
        return builder.ToString();
    }

    public static void AppendString(StringBuilder builder, string text)
    {
        builder.Append('"');
        foreach (var character in text)
        {
            switch (character)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                case < ' ': builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)character:x4}"); break;
                default: builder.Append(character); break;
            }
        }

        builder.Append('"');
    }

    private sealed class Writer(StringBuilder builder, string? indent, string itemSeparator, string keySeparator, bool sortKeys)
    {
        public void Write(object? value, int level)
        {
            ExecutionStack.EnsureValueDepth(level);
            switch (value)
            {
                case null: builder.Append("null"); break;
                case bool flag: builder.Append(flag ? "true" : "false"); break;
                case long integer: builder.Append(integer.ToString(CultureInfo.InvariantCulture)); break;
                case double real: builder.Append(double.IsNaN(real) ? "NaN" : double.IsInfinity(real) ? (real > 0 ? "Infinity" : "-Infinity") : PythonText.FloatRepr(real)); break;
                case string text: AppendString(builder, text); break;
                case List<object?> list: WriteContainer('[', ']', list.Count, level, (index, nested) => Write(list[index], nested)); break;
                case OrderedDictionary<string, object?> dictionary: WriteDictionary(dictionary, level); break;
                case TemplateUndefined undefined: throw new TemplateException($"tojson: cannot serialize an undefined value ({undefined.Hint})");
                default: throw new TemplateException($"tojson: cannot serialize {TemplateTypeName.Of(value)}");
            }
        }

        private void WriteDictionary(OrderedDictionary<string, object?> dictionary, int level)
        {
            IReadOnlyList<KeyValuePair<string, object?>> entries = sortKeys
                ? [.. dictionary.OrderBy(entry => entry.Key, StringComparer.Ordinal)]
                : [.. dictionary];
            WriteContainer('{', '}', entries.Count, level, (index, nested) =>
            {
                AppendString(builder, entries[index].Key);
                builder.Append(keySeparator);
                Write(entries[index].Value, nested);
            });
        }

        private void WriteContainer(char open, char close, int count, int level, Action<int, int> writeItem)
        {
            builder.Append(open);
            if (count == 0)
            {
                builder.Append(close);
                return;
            }

            for (var index = 0; index < count; index++)
            {
                if (index > 0)
                {
                    builder.Append(itemSeparator);
                }

                NewLine(level + 1);
                writeItem(index, level + 1);
            }

            NewLine(level);
            builder.Append(close);
        }

        private void NewLine(int level)
        {
            if (indent is null)
            {
                return;
            }

            builder.Append('\n');
            for (var repeat = 0; repeat < level; repeat++)
            {
                builder.Append(indent);
            }
        }
    }
}

using System.Globalization;
using System.Text;

namespace EdgeLLM.Text.Templates.Values;

/// <summary>Python's <c>str()</c> and <c>repr()</c> of template values, which is what Jinja prints.</summary>
internal static class PythonText
{
    public static string Str(object? value) => value switch
    {
        string text => text,
        TemplateUndefined => "",
        _ => Repr(value),
    };

    public static string Repr(object? value) => Repr(value, 0);

    private static string Repr(object? value, int depth)
    {
        ExecutionStack.EnsureValueDepth(depth);
        return ReprCore(value, depth + 1);
    }

    private static string ReprCore(object? value, int depth) => value switch
    {
        null => "None",
        bool flag => flag ? "True" : "False",
        long integer => integer.ToString(CultureInfo.InvariantCulture),
        double real => FloatRepr(real),
        string text => StringRepr(text),
        TemplateUndefined => "",
        TemplateTuple tuple => tuple.Count == 1 ? "(" + Repr(tuple[0], depth) + ",)" : "(" + string.Join(", ", tuple.Select(item => Repr(item, depth))) + ")",
        List<object?> list => "[" + string.Join(", ", list.Select(item => Repr(item, depth))) + "]",
        OrderedDictionary<string, object?> dictionary => DictRepr(dictionary, depth),
        TemplateNamespace ns => "<Namespace " + DictRepr(ns.Attributes, depth) + ">",
        _ => value.ToString() ?? "",
    };

    private static string DictRepr(OrderedDictionary<string, object?> dictionary, int depth) =>
        "{" + string.Join(", ", dictionary.Select(entry => StringRepr(entry.Key) + ": " + Repr(entry.Value, depth))) + "}";

    public static string StringRepr(string text)
    {
        var quote = text.Contains('\'', StringComparison.Ordinal) && !text.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        var builder = new StringBuilder(text.Length + 2).Append(quote);
        foreach (var character in text)
        {
            switch (character)
            {
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case < ' ' or '\x7f': builder.Append(CultureInfo.InvariantCulture, $"\\x{(int)character:x2}"); break;
                default:
                    if (character == quote)
                    {
                        builder.Append('\\');
                    }

                    builder.Append(character);
                    break;
            }
        }

        return builder.Append(quote).ToString();
    }

    /// <summary>Python's shortest round-trip <c>repr(float)</c>: <c>1.0</c>, <c>0.0001</c>, <c>1e-05</c>, <c>1e+16</c>.</summary>
    public static string FloatRepr(double value)
    {
        if (double.IsNaN(value))
        {
            return "nan";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "inf" : "-inf";
        }

        var roundTrip = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = roundTrip.StartsWith('-');
        if (negative)
        {
            roundTrip = roundTrip[1..];
        }

        var exponentAt = roundTrip.IndexOf('E', StringComparison.Ordinal);
        var exponent = exponentAt < 0 ? 0 : int.Parse(roundTrip.AsSpan(exponentAt + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var mantissa = exponentAt < 0 ? roundTrip : roundTrip[..exponentAt];
        var pointAt = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = pointAt < 0 ? mantissa : mantissa.Remove(pointAt, 1);
        var decimalPoint = (pointAt < 0 ? mantissa.Length : pointAt) + exponent;
        var leadingZeros = digits.Length - digits.TrimStart('0').Length;
        digits = digits.TrimStart('0').TrimEnd('0');
        decimalPoint -= leadingZeros;
        var sign = negative ? "-" : "";
        if (digits.Length == 0)
        {
            return sign + "0.0";
        }

        if (decimalPoint > 16 || decimalPoint < -3)
        {
            var scientificExponent = decimalPoint - 1;
            var fraction = digits.Length > 1 ? "." + digits[1..] : "";
            var exponentSign = scientificExponent < 0 ? "-" : "+";
            return string.Create(CultureInfo.InvariantCulture, $"{sign}{digits[0]}{fraction}e{exponentSign}{Math.Abs(scientificExponent):00}");
        }

        if (decimalPoint <= 0)
        {
            return sign + "0." + new string('0', -decimalPoint) + digits;
        }

        if (decimalPoint >= digits.Length)
        {
            return sign + digits + new string('0', decimalPoint - digits.Length) + ".0";
        }

        return sign + digits[..decimalPoint] + "." + digits[decimalPoint..];
    }
}

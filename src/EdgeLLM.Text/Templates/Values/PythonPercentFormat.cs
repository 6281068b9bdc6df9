using System.Globalization;
using System.Text;

namespace EdgeLLM.Text.Templates.Values;

/// <summary>
/// Python's <c>"format" % arguments</c> for the conversions templates use: <c>%s %r %d %i %f %F %x %X %o %%</c>,
/// <c>%(name)s</c> keys, the <c>-</c>, <c>0</c>, <c>+</c> and space flags, width and precision.
/// </summary>
internal static class PythonPercentFormat
{
    public static string Format(string format, object? arguments)
    {
        var positional = arguments is TemplateTuple tuple ? tuple : null;
        var mapping = arguments as OrderedDictionary<string, object?>;
        var next = 0;
        var builder = new StringBuilder();
        for (var index = 0; index < format.Length; index++)
        {
            if (format[index] != '%')
            {
                builder.Append(format[index]);
                continue;
            }

            if (++index >= format.Length)
            {
                throw new TemplateException("incomplete format");
            }

            object? value;
            if (format[index] == '(')
            {
                var close = format.IndexOf(')', index);
                if (close < 0 || mapping is null)
                {
                    throw new TemplateException(close < 0 ? "incomplete format key" : "format requires a mapping");
                }

                var key = format[(index + 1)..close];
                value = mapping.TryGetValue(key, out var found) ? found : throw new TemplateException($"format key '{key}' not found");
                index = close + 1;
            }
            else if (format[index] == '%')
            {
                builder.Append('%');
                continue;
            }
            else if (positional is not null)
            {
                value = next < positional.Count ? positional[next++] : throw new TemplateException("not enough arguments for format string");
            }
            else
            {
                value = next++ == 0 ? arguments : throw new TemplateException("not enough arguments for format string");
            }

            var flagsStart = index;
            while (index < format.Length && format[index] is '-' or '0' or '+' or ' ' or '#')
            {
                index++;
            }

            var flags = format[flagsStart..index];
            var width = ReadNumber(format, ref index);
            int? precision = null;
            if (index < format.Length && format[index] == '.')
            {
                index++;
                precision = ReadNumber(format, ref index) ?? 0;
            }

            if (index >= format.Length)
            {
                throw new TemplateException("incomplete format");
            }

            builder.Append(Pad(Convert(format[index], value, flags, precision), flags, width));
        }

        var leftOver = positional is not null ? next < positional.Count : next == 0 && arguments is not (List<object?> or OrderedDictionary<string, object?>);
        if (leftOver)
        {
            throw new TemplateException("not all arguments converted during string formatting");
        }

        return builder.ToString();
    }

    private static int? ReadNumber(string format, ref int index)
    {
        var start = index;
        while (index < format.Length && char.IsAsciiDigit(format[index]))
        {
            index++;
        }

        return index > start ? int.Parse(format.AsSpan(start, index - start), CultureInfo.InvariantCulture) : null;
    }

    private static string Convert(char conversion, object? value, string flags, int? precision)
    {
        var culture = CultureInfo.InvariantCulture;
        string Signed(string digits, bool negative) =>
            negative ? "-" + digits : flags.Contains('+', StringComparison.Ordinal) ? "+" + digits : flags.Contains(' ', StringComparison.Ordinal) ? " " + digits : digits;
        switch (conversion)
        {
            case 's':
                var text = PythonText.Str(value);
                return precision is { } limit && limit < text.Length ? text[..limit] : text;
            case 'r':
                return PythonText.Repr(value);
            case 'd' or 'i':
                var integer = Integer(value);
                return Signed(Math.Abs((decimal)integer).ToString(culture), integer < 0);
            case 'f' or 'F':
                var real = Real(value);
                return Signed(Math.Abs(real).ToString("F" + (precision ?? 6).ToString(culture), culture), real < 0 || (real == 0 && double.IsNegative(real)));
            case 'x' or 'X' or 'o':
                var number = Integer(value);
                var magnitude = (ulong)Math.Abs((decimal)number);
                var digits = conversion == 'o' ? System.Convert.ToString((long)magnitude, 8) : magnitude.ToString(conversion == 'x' ? "x" : "X", culture);
                return Signed(digits, number < 0);
            default:
                throw new TemplateException($"unsupported format character '{conversion}'");
        }
    }

    private static long Integer(object? value) => value switch
    {
        long integer => integer,
        bool flag => flag ? 1 : 0,
        double real when !double.IsNaN(real) && !double.IsInfinity(real) => (long)Math.Truncate(real),
        _ => throw new TemplateException($"%d format: a real number is required, not {TemplateTypeName.Of(value)}"),
    };

    private static double Real(object? value) => value switch
    {
        long integer => integer,
        bool flag => flag ? 1 : 0,
        double real => real,
        _ => throw new TemplateException($"%f format: a real number is required, not {TemplateTypeName.Of(value)}"),
    };

    private static string Pad(string text, string flags, int? width)
    {
        if (width is not { } size || text.Length >= size)
        {
            return text;
        }

        if (flags.Contains('-', StringComparison.Ordinal))
        {
            return text.PadRight(size);
        }

        if (flags.Contains('0', StringComparison.Ordinal) && text.Length > 0 && (char.IsAsciiDigit(text[^1]) || char.IsAsciiHexDigit(text[^1])))
        {
            var sign = text[0] is '-' or '+' or ' ' ? text[..1] : "";
            return sign + text[sign.Length..].PadLeft(size - sign.Length, '0');
        }

        return text.PadLeft(size);
    }
}

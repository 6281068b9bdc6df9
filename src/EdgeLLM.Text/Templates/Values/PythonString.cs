using System.Text;

namespace EdgeLLM.Text.Templates.Values;

/// <summary>
/// Python strings count, index and slice code points, not UTF-16 units; these do the same so that
/// <c>text[-1]</c> or <c>text|length</c> agree with Python for emoji and other astral characters.
/// </summary>
internal static class PythonString
{
    public static List<string> CodePoints(string text)
    {
        var points = new List<string>(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            points.Add(rune.ToString());
        }

        return points;
    }

    public static bool HasSurrogates(string text)
    {
        foreach (var character in text)
        {
            if (char.IsSurrogate(character))
            {
                return true;
            }
        }

        return false;
    }

    public static int Length(string text) => HasSurrogates(text) ? text.EnumerateRunes().Count() : text.Length;

    public static string Join(IEnumerable<string> parts)
    {
        var builder = new StringBuilder();
        foreach (var part in parts)
        {
            builder.Append(part);
        }

        return builder.ToString();
    }

    /// <summary>Python's <c>str.isspace</c> characters, which <c>strip()</c> and <c>split()</c> use by default.</summary>
    public static bool IsSpace(char character) => char.IsWhiteSpace(character) || character is '\x1c' or '\x1d' or '\x1e' or '\x1f';

    public static string Strip(string text, string? characters, bool left, bool right)
    {
        var start = 0;
        var end = text.Length;
        bool Strippable(char character) => characters is null ? IsSpace(character) : characters.Contains(character, StringComparison.Ordinal);
        while (left && start < end && Strippable(text[start]))
        {
            start++;
        }

        while (right && end > start && Strippable(text[end - 1]))
        {
            end--;
        }

        return text[start..end];
    }

    /// <summary>Python's <c>str.split(sep, maxsplit)</c>; a null separator splits on whitespace runs.</summary>
    public static List<object?> Split(string text, string? separator, long maxSplit)
    {
        var parts = new List<object?>();
        if (separator is null)
        {
            var index = 0;
            while (true)
            {
                while (index < text.Length && IsSpace(text[index]))
                {
                    index++;
                }

                if (index >= text.Length)
                {
                    return parts;
                }

                if (maxSplit >= 0 && parts.Count >= maxSplit)
                {
                    parts.Add(Strip(text[index..], null, left: false, right: true));
                    return parts;
                }

                var end = index;
                while (end < text.Length && !IsSpace(text[end]))
                {
                    end++;
                }

                parts.Add(text[index..end]);
                index = end;
            }
        }

        if (separator.Length == 0)
        {
            throw new TemplateException("split(): empty separator");
        }

        var start = 0;
        while (maxSplit < 0 || parts.Count < maxSplit)
        {
            var found = text.IndexOf(separator, start, StringComparison.Ordinal);
            if (found < 0)
            {
                break;
            }

            parts.Add(text[start..found]);
            start = found + separator.Length;
        }

        parts.Add(text[start..]);
        return parts;
    }

    /// <summary>Python's <c>str.title()</c>: a cased letter after an uncased character is upper-cased, others lower-cased.</summary>
    public static string Title(string text)
    {
        var builder = new StringBuilder(text.Length);
        var previousCased = false;
        foreach (var character in text)
        {
            var cased = char.IsUpper(character) || char.IsLower(character);
            builder.Append(cased ? (previousCased ? char.ToLowerInvariant(character) : char.ToUpperInvariant(character)) : character);
            previousCased = cased;
        }

        return builder.ToString();
    }

    public static string Capitalize(string text) =>
        text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..].ToLowerInvariant();

    public static string Replace(string text, string oldValue, string newValue, long count)
    {
        if (count < 0)
        {
            return oldValue.Length == 0 ? PythonString.ReplaceEmpty(text, newValue) : text.Replace(oldValue, newValue, StringComparison.Ordinal);
        }

        var builder = new StringBuilder();
        var start = 0;
        for (var replaced = 0L; replaced < count; replaced++)
        {
            var found = oldValue.Length == 0 ? (start <= text.Length ? start : -1) : text.IndexOf(oldValue, start, StringComparison.Ordinal);
            if (found < 0)
            {
                break;
            }

            builder.Append(text, start, found - start).Append(newValue);
            if (oldValue.Length == 0)
            {
                if (found < text.Length)
                {
                    builder.Append(text[found]);
                }

                start = found + 1;
            }
            else
            {
                start = found + oldValue.Length;
            }
        }

        if (start < text.Length)
        {
            builder.Append(text, start, text.Length - start);
        }

        return builder.ToString();
    }

    private static string ReplaceEmpty(string text, string insert)
    {
        var builder = new StringBuilder(insert);
        foreach (var character in text)
        {
            builder.Append(character).Append(insert);
        }

        return builder.ToString();
    }
}

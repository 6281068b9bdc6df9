using System.Globalization;
using System.Text;

namespace EdgeLLM.Text.Templates.Lexing;

/// <summary>
/// Splits template source into tokens the way Jinja's lexer does under the environment transformers uses:
/// <c>trim_blocks=True</c> (the first newline after a block or comment tag is removed),
/// <c>lstrip_blocks=True</c> (spaces and tabs from the start of a line to a block or comment tag are removed),
/// <c>keep_trailing_newline=False</c>, and the <c>-</c>/<c>+</c> whitespace-control signs on tags.
/// </summary>
internal sealed class TemplateLexer
{
    private static readonly string[] LongOperators = ["//", "**", "==", "!=", ">=", "<="];
    private const string ShortOperators = "+-/*%~[](){}.,:|=<>;";

    private readonly string _source;
    private readonly List<int> _lineStarts = [0];
    private readonly List<TemplateToken> _tokens = [];
    private int _offset;
    private bool _lineStarting = true;

    private TemplateLexer(string source)
    {
        // Jinja joins source.splitlines-style lines with "\n" and drops one trailing newline.
        var normalized = source.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        if (normalized.EndsWith('\n'))
        {
            normalized = normalized[..^1];
        }

        _source = normalized;
        for (var index = 0; index < _source.Length; index++)
        {
            if (_source[index] == '\n')
            {
                _lineStarts.Add(index + 1);
            }
        }
    }

    public static IReadOnlyList<TemplateToken> Tokenize(string source)
    {
        var lexer = new TemplateLexer(source);
        lexer.Run();
        return lexer._tokens;
    }

    private SourcePosition PositionAt(int offset)
    {
        var line = _lineStarts.BinarySearch(offset);
        if (line < 0)
        {
            line = ~line - 1;
        }

        return new SourcePosition(line + 1, offset - _lineStarts[line] + 1);
    }

    private TemplateException Error(string message, int offset) => new(message, PositionAt(offset));

    private void Run()
    {
        while (_offset < _source.Length)
        {
            var tagStart = FindTagStart(_offset);
            if (tagStart < 0)
            {
                AddText(_source[_offset..], _offset);
                break;
            }

            var kind = _source[tagStart + 1];
            var signOffset = tagStart + 2;
            var sign = signOffset < _source.Length && _source[signOffset] is '-' or '+' ? _source[signOffset] : '\0';
            var text = _source[_offset..tagStart];
            if (sign == '-')
            {
                text = text.TrimEnd();
            }
            else if (sign != '+' && kind != '{')
            {
                text = LeftStripBlock(text);
            }

            AddText(text, _offset);
            var contentStart = signOffset + (sign == '\0' ? 0 : 1);
            if (kind == '#')
            {
                LexComment(tagStart, contentStart);
            }
            else if (kind != '%' || !TryLexRaw(contentStart))
            {
                LexTag(kind == '{', tagStart, contentStart);
            }
        }

        _tokens.Add(new TemplateToken(TemplateTokenKind.EndOfTemplate, "", PositionAt(_source.Length)));
    }

    private string LeftStripBlock(string text)
    {
        var lineStart = text.LastIndexOf('\n') + 1;
        if (lineStart == 0 && !_lineStarting)
        {
            return text;
        }

        for (var index = lineStart; index < text.Length; index++)
        {
            if (text[index] is not (' ' or '\t'))
            {
                return text;
            }
        }

        return text[..lineStart];
    }

    private int FindTagStart(int from)
    {
        for (var index = _source.IndexOf('{', from); index >= 0 && index + 1 < _source.Length; index = _source.IndexOf('{', index + 1))
        {
            if (_source[index + 1] is '{' or '%' or '#')
            {
                return index;
            }
        }

        return -1;
    }

    private void AddText(string text, int offset)
    {
        if (text.Length > 0)
        {
            _tokens.Add(new TemplateToken(TemplateTokenKind.Text, text, PositionAt(offset)));
        }
    }

    private void LexComment(int tagStart, int contentStart)
    {
        var end = _source.IndexOf("#}", contentStart, StringComparison.Ordinal);
        if (end < 0)
        {
            throw Error("missing end of comment tag '#}'", tagStart);
        }

        var stripAfter = end > contentStart && _source[end - 1] == '-';
        _offset = end + 2;
        FinishTag(stripAfter, trimNewline: true);
    }

    /// <summary>Consumes whitespace after a closing tag: all of it after <c>-</c>, one newline under trim_blocks.</summary>
    private void FinishTag(bool stripAfter, bool trimNewline)
    {
        if (stripAfter)
        {
            while (_offset < _source.Length && char.IsWhiteSpace(_source[_offset]))
            {
                _offset++;
            }
        }
        else if (trimNewline && _offset < _source.Length && _source[_offset] == '\n')
        {
            _offset++;
        }

        _lineStarting = _offset > 0 && _source[_offset - 1] == '\n';
    }

    private bool TryLexRaw(int contentStart)
    {
        // Jinja: {% raw %} takes '-%}' (strips what follows) or '%}' (no trim_blocks newline), not '+%}'.
        var afterName = SkipWord(contentStart, "raw");
        if (afterName < 0 || !TryMatchBlockEnd(afterName, out var bodyStart, out var stripBody, out var plus) || plus)
        {
            return false;
        }

        while (stripBody && bodyStart < _source.Length && char.IsWhiteSpace(_source[bodyStart]))
        {
            bodyStart++;
        }

        var search = bodyStart;
        while (true)
        {
            var endTag = _source.IndexOf("{%", search, StringComparison.Ordinal);
            if (endTag < 0)
            {
                throw Error("missing '{% endraw %}' for '{% raw %}'", contentStart);
            }

            var sign = endTag + 2 < _source.Length && _source[endTag + 2] is '-' or '+' ? _source[endTag + 2] : '\0';
            var afterEndName = SkipWord(endTag + 2 + (sign == '\0' ? 0 : 1), "endraw");
            if (afterEndName >= 0 && TryMatchBlockEnd(afterEndName, out var next, out var stripAfter, out var keepNewline))
            {
                var body = _source[bodyStart..endTag];
                body = sign == '-' ? body.TrimEnd() : sign == '+' ? body : LeftStripBlock(body);
                AddText(body, bodyStart);
                _offset = next;
                FinishTag(stripAfter, !keepNewline);
                return true;
            }

            search = endTag + 2;
        }
    }

    /// <summary>Matches <c>\s*word\s*</c> at <paramref name="from"/>; returns the offset after it or -1.</summary>
    private int SkipWord(int from, string word)
    {
        var index = from;
        while (index < _source.Length && char.IsWhiteSpace(_source[index]))
        {
            index++;
        }

        if (string.CompareOrdinal(_source, index, word, 0, word.Length) != 0)
        {
            return -1;
        }

        index += word.Length;
        if (index < _source.Length && (char.IsLetterOrDigit(_source[index]) || _source[index] == '_'))
        {
            return -1;
        }

        while (index < _source.Length && char.IsWhiteSpace(_source[index]))
        {
            index++;
        }

        return index;
    }

    private bool TryMatchBlockEnd(int at, out int next, out bool stripAfter, out bool keepNewline)
    {
        stripAfter = false;
        keepNewline = false;
        next = at;
        if (Matches(at, "-%}"))
        {
            stripAfter = true;
            next = at + 3;
            return true;
        }

        if (Matches(at, "+%}"))
        {
            keepNewline = true;
            next = at + 3;
            return true;
        }

        if (Matches(at, "%}"))
        {
            next = at + 2;
            return true;
        }

        return false;
    }

    private bool Matches(int at, string text) => string.CompareOrdinal(_source, at, text, 0, text.Length) == 0;

    private void LexTag(bool isVariable, int tagStart, int contentStart)
    {
        _tokens.Add(new TemplateToken(isVariable ? TemplateTokenKind.VariableBegin : TemplateTokenKind.BlockBegin, isVariable ? "{{" : "{%", PositionAt(tagStart)));
        var brackets = new Stack<char>();
        var index = contentStart;
        while (true)
        {
            if (index >= _source.Length)
            {
                throw Error(isVariable ? "missing '}}' to close '{{'" : "missing '%}' to close '{%'", tagStart);
            }

            if (brackets.Count == 0 && TryCloseTag(isVariable, index))
            {
                return;
            }

            var current = _source[index];
            if (char.IsWhiteSpace(current))
            {
                index++;
            }
            else if (char.IsAsciiDigit(current))
            {
                index = LexNumber(index);
            }
            else if (char.IsLetter(current) || current == '_')
            {
                var end = index + 1;
                while (end < _source.Length && (char.IsLetterOrDigit(_source[end]) || _source[end] == '_'))
                {
                    end++;
                }

                _tokens.Add(new TemplateToken(TemplateTokenKind.Name, _source[index..end], PositionAt(index)));
                index = end;
            }
            else if (current is '\'' or '"')
            {
                index = LexString(index);
            }
            else
            {
                index = LexOperator(index, brackets);
            }
        }
    }

    private bool TryCloseTag(bool isVariable, int index)
    {
        var position = PositionAt(index);
        if (isVariable)
        {
            if (Matches(index, "-}}") || Matches(index, "}}"))
            {
                var strip = _source[index] == '-';
                _tokens.Add(new TemplateToken(TemplateTokenKind.VariableEnd, "}}", position));
                _offset = index + (strip ? 3 : 2);
                FinishTag(strip, trimNewline: false);
                return true;
            }

            return false;
        }

        if (!TryMatchBlockEnd(index, out var next, out var stripAfter, out var keepNewline))
        {
            return false;
        }

        _tokens.Add(new TemplateToken(TemplateTokenKind.BlockEnd, "%}", position));
        _offset = next;
        FinishTag(stripAfter, !keepNewline);
        return true;
    }

    private int LexNumber(int start)
    {
        var index = SkipDigits(start);
        var isFloat = false;
        var afterDot = _tokens.Count > 0 && _tokens[^1].IsOperator(".");
        if (!afterDot && index + 1 < _source.Length && _source[index] == '.' && char.IsAsciiDigit(_source[index + 1]))
        {
            index = SkipDigits(index + 1);
            isFloat = true;
        }

        if (!afterDot && index < _source.Length && _source[index] is 'e' or 'E')
        {
            var exponent = index + 1;
            if (exponent < _source.Length && _source[exponent] is '+' or '-')
            {
                exponent++;
            }

            if (exponent < _source.Length && char.IsAsciiDigit(_source[exponent]))
            {
                index = SkipDigits(exponent);
                isFloat = true;
            }
        }

        var text = _source[start..index].Replace("_", "", StringComparison.Ordinal);
        _tokens.Add(new TemplateToken(isFloat ? TemplateTokenKind.Float : TemplateTokenKind.Integer, text, PositionAt(start)));
        return index;
    }

    private int SkipDigits(int index)
    {
        while (index < _source.Length && (char.IsAsciiDigit(_source[index]) || (_source[index] == '_' && index + 1 < _source.Length && char.IsAsciiDigit(_source[index + 1]))))
        {
            index++;
        }

        return index;
    }

    private int LexOperator(int index, Stack<char> brackets)
    {
        foreach (var symbol in LongOperators)
        {
            if (Matches(index, symbol))
            {
                _tokens.Add(new TemplateToken(TemplateTokenKind.Operator, symbol, PositionAt(index)));
                return index + symbol.Length;
            }
        }

        var current = _source[index];
        if (!ShortOperators.Contains(current, StringComparison.Ordinal))
        {
            throw Error($"unexpected character '{current}'", index);
        }

        switch (current)
        {
            case '(' or '[' or '{':
                brackets.Push(current);
                break;
            case ')' or ']' or '}':
                var open = current switch { ')' => '(', ']' => '[', _ => '{' };
                if (brackets.Count == 0 || brackets.Pop() != open)
                {
                    throw Error($"unexpected '{current}'", index);
                }

                break;
        }

        _tokens.Add(new TemplateToken(TemplateTokenKind.Operator, current.ToString(), PositionAt(index)));
        return index + 1;
    }

    private int LexString(int start)
    {
        var quote = _source[start];
        var builder = new StringBuilder();
        var index = start + 1;
        while (true)
        {
            if (index >= _source.Length)
            {
                throw Error("unterminated string literal", start);
            }

            var current = _source[index];
            if (current == quote)
            {
                _tokens.Add(new TemplateToken(TemplateTokenKind.String, builder.ToString(), PositionAt(start)));
                return index + 1;
            }

            if (current != '\\' || index + 1 >= _source.Length)
            {
                builder.Append(current);
                index++;
                continue;
            }

            index = AppendEscape(builder, index);
        }
    }

    /// <summary>Python's unicode-escape rules for the backslash at <paramref name="index"/>.</summary>
    private int AppendEscape(StringBuilder builder, int index)
    {
        var escaped = _source[index + 1];
        switch (escaped)
        {
            case 'n': builder.Append('\n'); return index + 2;
            case 't': builder.Append('\t'); return index + 2;
            case 'r': builder.Append('\r'); return index + 2;
            case '\\': builder.Append('\\'); return index + 2;
            case '\'': builder.Append('\''); return index + 2;
            case '"': builder.Append('"'); return index + 2;
            case 'a': builder.Append('\a'); return index + 2;
            case 'b': builder.Append('\b'); return index + 2;
            case 'f': builder.Append('\f'); return index + 2;
            case 'v': builder.Append('\v'); return index + 2;
            case '\n': return index + 2;
            case 'x': return AppendCodePoint(builder, index, 2);
            case 'u': return AppendCodePoint(builder, index, 4);
            case 'U': return AppendCodePoint(builder, index, 8);
        }

        if (escaped is >= '0' and <= '7')
        {
            var end = index + 1;
            var value = 0;
            while (end < _source.Length && end < index + 4 && _source[end] is >= '0' and <= '7')
            {
                value = (value * 8) + (_source[end] - '0');
                end++;
            }

            builder.Append((char)value);
            return end;
        }

        builder.Append('\\').Append(escaped);
        return index + 2;
    }

    private int AppendCodePoint(StringBuilder builder, int index, int digitCount)
    {
        var digitsStart = index + 2;
        if (digitsStart + digitCount > _source.Length
            || !int.TryParse(_source.AsSpan(digitsStart, digitCount), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var codePoint)
            || codePoint > 0x10FFFF)
        {
            throw Error($"truncated \\{_source[index + 1]} escape in string literal", index);
        }

        if (codePoint is >= 0xD800 and <= 0xDFFF)
        {
            builder.Append((char)codePoint);
        }
        else
        {
            builder.Append(char.ConvertFromUtf32(codePoint));
        }

        return digitsStart + digitCount;
    }
}

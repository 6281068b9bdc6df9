namespace EdgeLLM.Text.Templates.Values;

/// <summary>Python semantics for truth, equality, ordering, arithmetic, <c>in</c>, <c>len</c>, iteration and indexing.</summary>
internal static class PythonOperators
{
    public static bool IsTruthy(object? value) => value switch
    {
        null or TemplateUndefined => false,
        bool flag => flag,
        long integer => integer != 0,
        double real => real != 0,
        string text => text.Length > 0,
        List<object?> list => list.Count > 0,
        OrderedDictionary<string, object?> dictionary => dictionary.Count > 0,
        _ => true,
    };

    private static bool IsNumber(object? value) => value is bool or long or double;

    private static long AsInteger(object? value) => value switch
    {
        bool flag => flag ? 1 : 0,
        long integer => integer,
        _ => throw new InvalidOperationException("not an integer"),
    };

    private static double AsReal(object? value) => value is double real ? real : AsInteger(value);

    public static bool AreEqual(object? left, object? right) => AreEqual(left, right, 0);

    private static bool AreEqual(object? left, object? right, int depth)
    {
        ExecutionStack.EnsureValueDepth(depth);
        if (IsNumber(left) && IsNumber(right))
        {
            return left is double || right is double ? AsReal(left) == AsReal(right) : AsInteger(left) == AsInteger(right);
        }

        return (left, right) switch
        {
            (null, null) => true,
            (TemplateUndefined, TemplateUndefined) => true,
            (string a, string b) => string.Equals(a, b, StringComparison.Ordinal),
            (List<object?> a, List<object?> b) => a.Count == b.Count && a.Zip(b).All(pair => AreEqual(pair.First, pair.Second, depth + 1)),
            (OrderedDictionary<string, object?> a, OrderedDictionary<string, object?> b) =>
                a.Count == b.Count && a.All(entry => b.TryGetValue(entry.Key, out var other) && AreEqual(entry.Value, other, depth + 1)),
            _ => ReferenceEquals(left, right),
        };
    }

    /// <summary>Ordering for <c>&lt;</c>, <c>&gt;</c>, sort, min and max.</summary>
    public static int Compare(object? left, object? right, string operatorSymbol = "<") => Compare(left, right, operatorSymbol, 0);

    private static int Compare(object? left, object? right, string operatorSymbol, int depth)
    {
        ExecutionStack.EnsureValueDepth(depth);
        if (IsNumber(left) && IsNumber(right))
        {
            return left is double || right is double ? AsReal(left).CompareTo(AsReal(right)) : AsInteger(left).CompareTo(AsInteger(right));
        }

        switch (left, right)
        {
            case (string a, string b):
                return string.CompareOrdinal(a, b);
            case (List<object?> a, List<object?> b):
                for (var index = 0; index < Math.Min(a.Count, b.Count); index++)
                {
                    if (!AreEqual(a[index], b[index], depth + 1))
                    {
                        return Compare(a[index], b[index], operatorSymbol, depth + 1);
                    }
                }

                return a.Count.CompareTo(b.Count);
            default:
                throw new TemplateException($"'{operatorSymbol}' not supported between instances of '{TemplateTypeName.Of(left)}' and '{TemplateTypeName.Of(right)}'");
        }
    }

    public static bool Compare(string operatorSymbol, object? left, object? right) => operatorSymbol switch
    {
        "==" => AreEqual(left, right),
        "!=" => !AreEqual(left, right),
        "<" => Compare(left, right, operatorSymbol) < 0,
        "<=" => Compare(left, right, operatorSymbol) <= 0,
        ">" => Compare(left, right, operatorSymbol) > 0,
        ">=" => Compare(left, right, operatorSymbol) >= 0,
        "in" => Contains(right, left),
        "not in" => !Contains(right, left),
        _ => throw new TemplateException($"unknown comparison '{operatorSymbol}'"),
    };

    public static bool Contains(object? container, object? item) => container switch
    {
        string text when item is string part => text.Contains(part, StringComparison.Ordinal),
        string => throw new TemplateException($"'in <string>' requires string as left operand, not '{TemplateTypeName.Of(item)}'"),
        List<object?> list => list.Any(element => AreEqual(element, item)),
        OrderedDictionary<string, object?> when item is List<object?> or OrderedDictionary<string, object?> or TemplateNamespace =>
            throw new TemplateException($"unhashable type: '{TemplateTypeName.Of(item)}'"),
        OrderedDictionary<string, object?> dictionary => item is string key && dictionary.ContainsKey(key),
        TemplateNamespace ns => item is string key && ns.Attributes.ContainsKey(key),
        TemplateUndefined => false,
        _ => throw new TemplateException($"argument of type '{TemplateTypeName.Of(container)}' is not iterable"),
    };

    public static long Length(object? value) => value switch
    {
        string text => PythonString.Length(text),
        List<object?> list => list.Count,
        OrderedDictionary<string, object?> dictionary => dictionary.Count,
        TemplateUndefined => 0,
        _ => throw new TemplateException($"object of type '{TemplateTypeName.Of(value)}' has no len()"),
    };

    /// <summary>A snapshot of what <c>for x in value</c> visits: list items, code points, dict keys; undefined is empty.</summary>
    public static List<object?> Iterate(object? value) => value switch
    {
        List<object?> list => [.. list],
        string text => [.. PythonString.CodePoints(text)],
        OrderedDictionary<string, object?> dictionary => [.. dictionary.Keys],
        TemplateUndefined => [],
        _ => throw new TemplateException($"'{TemplateTypeName.Of(value)}' object is not iterable"),
    };

    public static object? Negate(object? value) => value switch
    {
        bool or long => (object)checked(-AsInteger(value)),
        double real => -real,
        TemplateUndefined undefined => throw undefined.Fail(),
        _ => throw new TemplateException($"bad operand type for unary -: '{TemplateTypeName.Of(value)}'"),
    };

    public static object? Plus(object? value) => value switch
    {
        bool or long => AsInteger(value),
        double => value,
        TemplateUndefined undefined => throw undefined.Fail(),
        _ => throw new TemplateException($"bad operand type for unary +: '{TemplateTypeName.Of(value)}'"),
    };

    /// <summary><c>+ - * / // % **</c>; <paramref name="maxLength"/> bounds strings and lists built by + and *.</summary>
    public static object? Arithmetic(string operatorSymbol, object? left, object? right, int maxLength)
    {
        if (left is TemplateUndefined undefinedLeft)
        {
            throw undefinedLeft.Fail();
        }

        if (right is TemplateUndefined undefinedRight)
        {
            throw undefinedRight.Fail();
        }

        if (IsNumber(left) && IsNumber(right))
        {
            return NumberArithmetic(operatorSymbol, left, right);
        }

        switch (operatorSymbol, left, right)
        {
            case ("+", string a, string b):
                CheckLength((long)a.Length + b.Length, maxLength);
                return a + b;
            case ("+", List<object?> a, List<object?> b):
                CheckLength((long)a.Count + b.Count, maxLength);
                return new List<object?>([.. a, .. b]);
            case ("%", string format, _):
                return PythonPercentFormat.Format(format, right);
            case ("*", string text, bool or long):
                return Repeat(text, AsInteger(right), maxLength);
            case ("*", bool or long, string text):
                return Repeat(text, AsInteger(left), maxLength);
            case ("*", List<object?> list, bool or long):
                return RepeatList(list, AsInteger(right), maxLength);
            case ("*", bool or long, List<object?> list):
                return RepeatList(list, AsInteger(left), maxLength);
            default:
                throw new TemplateException($"unsupported operand type(s) for {operatorSymbol}: '{TemplateTypeName.Of(left)}' and '{TemplateTypeName.Of(right)}'");
        }
    }

    private static void CheckLength(long length, int maxLength)
    {
        if (length > maxLength)
        {
            throw new TemplateException($"a string or list of {length} items exceeds the output limit of {maxLength}");
        }
    }

    private static string Repeat(string text, long count, int maxLength)
    {
        if (count <= 0)
        {
            return "";
        }

        CheckLength(text.Length * Math.Min(count, int.MaxValue), maxLength);
        return string.Concat(Enumerable.Repeat(text, (int)count));
    }

    private static List<object?> RepeatList(List<object?> list, long count, int maxLength)
    {
        if (count <= 0)
        {
            return [];
        }

        CheckLength(list.Count * Math.Min(count, int.MaxValue), maxLength);
        var result = new List<object?>();
        for (var repeat = 0; repeat < count; repeat++)
        {
            result.AddRange(list);
        }

        return result;
    }

    private static object NumberArithmetic(string operatorSymbol, object? left, object? right)
    {
        var real = left is double || right is double;
        try
        {
            if (real || operatorSymbol == "/")
            {
                var a = AsReal(left);
                var b = AsReal(right);
                if (b == 0 && operatorSymbol is "/" or "//" or "%")
                {
                    throw new TemplateException("division by zero");
                }

                return operatorSymbol switch
                {
                    "+" => a + b,
                    "-" => a - b,
                    "*" => a * b,
                    "/" => a / b,
                    "//" => Math.Floor(a / b),
                    "%" => a - (b * Math.Floor(a / b)),
                    "**" => Math.Pow(a, b),
                    _ => throw new TemplateException($"unknown operator '{operatorSymbol}'"),
                };
            }

            var x = AsInteger(left);
            var y = AsInteger(right);
            if (y == 0 && operatorSymbol is "//" or "%")
            {
                throw new TemplateException("integer division or modulo by zero");
            }

            return operatorSymbol switch
            {
                "+" => checked(x + y),
                "-" => checked(x - y),
                "*" => checked(x * y),
                "//" => FloorDivide(x, y),
                "%" => x - checked(y * FloorDivide(x, y)),
                "**" => y < 0 ? (object)Math.Pow(x, y) : IntegerPower(x, y),
                _ => throw new TemplateException($"unknown operator '{operatorSymbol}'"),
            };
        }
        catch (OverflowException)
        {
            throw new TemplateException($"integer overflow in '{operatorSymbol}'");
        }
    }

    private static long FloorDivide(long x, long y)
    {
        var quotient = x / y;
        return (x % y != 0) && ((x < 0) != (y < 0)) ? quotient - 1 : quotient;
    }

    private static long IntegerPower(long value, long exponent)
    {
        var result = 1L;
        for (var step = 0L; step < exponent; step++)
        {
            result = checked(result * value);
            if (result is 0 or 1 && value is 0 or 1)
            {
                break;
            }
        }

        return result;
    }

    /// <summary><c>value[index]</c> for lists and strings (negative indices count from the end).</summary>
    public static object? Index(object? target, long index)
    {
        switch (target)
        {
            case List<object?> list:
                return ResolveIndex(index, list.Count) is { } position ? list[position] : new TemplateUndefined($"list index {index} out of range");
            case string text:
                var points = PythonString.HasSurrogates(text) ? PythonString.CodePoints(text) : null;
                var count = points?.Count ?? text.Length;
                if (ResolveIndex(index, count) is not { } at)
                {
                    return new TemplateUndefined($"string index {index} out of range");
                }

                return points is null ? text[at].ToString() : points[at];
            default:
                return new TemplateUndefined($"'{TemplateTypeName.Of(target)}' object is not subscriptable by integer");
        }
    }

    private static int? ResolveIndex(long index, int count)
    {
        var resolved = index < 0 ? index + count : index;
        return resolved >= 0 && resolved < count ? (int)resolved : null;
    }

    /// <summary>Python slicing <c>value[start:stop:step]</c> of a list or string.</summary>
    public static object Slice(object? target, long? start, long? stop, long? step)
    {
        var stride = step ?? 1;
        if (stride == 0)
        {
            throw new TemplateException("slice step cannot be zero");
        }

        IReadOnlyList<object?> items = target switch
        {
            List<object?> list => list,
            string text => PythonString.CodePoints(text),
            TemplateUndefined undefined => throw undefined.Fail(),
            _ => throw new TemplateException($"'{TemplateTypeName.Of(target)}' object is not subscriptable"),
        };
        var count = items.Count;
        long Clamp(long? bound, long whenNull, long low, long high)
        {
            if (bound is not { } value)
            {
                return whenNull;
            }

            value = value < 0 ? value + count : value;
            return Math.Clamp(value, low, high);
        }

        var selected = new List<object?>();
        if (stride > 0)
        {
            for (var index = Clamp(start, 0, 0, count); index < Clamp(stop, count, 0, count); index += stride)
            {
                selected.Add(items[(int)index]);
            }
        }
        else
        {
            for (var index = Clamp(start, count - 1, -1, count - 1); index > Clamp(stop, -1, -1, count - 1); index += stride)
            {
                selected.Add(items[(int)index]);
            }
        }

        return target is string ? PythonString.Join(selected.Cast<string>()) : selected;
    }
}

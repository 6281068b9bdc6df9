using System.Globalization;
using EdgeLLM.Format;

namespace EdgeLLM.Quantize.Gguf;

/// <summary>
/// One metadata value read from a GGUF file: a scalar (integers as <see cref="long"/> or <see cref="ulong"/>,
/// floats as <see cref="double"/>, <see cref="bool"/>, <see cref="string"/>) or an array of one element
/// type (<c>string[]</c>, <c>long[]</c>, <c>double[]</c>, <c>bool[]</c>).
/// </summary>
public sealed class GgufValue
{
    internal GgufValue(string key, GgufValueType type, GgufValueType? elementType, object value)
    {
        Key = key;
        Type = type;
        ElementType = elementType;
        Value = value;
    }

    public string Key { get; }

    public GgufValueType Type { get; }

    /// <summary>The element type of an array, else null.</summary>
    public GgufValueType? ElementType { get; }

    public object Value { get; }

    /// <summary>An integer of any width that fits in an <see cref="int"/>, or an error naming the key.</summary>
    public int AsInt32()
    {
        long value = Value switch
        {
            long signed => signed,
            ulong unsigned when unsigned <= int.MaxValue => (long)unsigned,
            _ => throw Mismatch("an integer"),
        };
        return value is >= int.MinValue and <= int.MaxValue ? (int)value : throw Mismatch("an integer that fits in 32 bits");
    }

    public double AsDouble() => Value switch
    {
        double real => real,
        long signed => signed,
        ulong unsigned => unsigned,
        _ => throw Mismatch("a number"),
    };

    public bool AsBool() => Value is bool flag ? flag : throw Mismatch("a bool");

    public string AsString() => Value as string ?? throw Mismatch("a string");

    public string[] AsStrings() => Value as string[] ?? throw Mismatch("an array of strings");

    /// <summary>An integer array, each element fitting in an <see cref="int"/>.</summary>
    public int[] AsInt32s()
    {
        if (Value is not long[] values)
        {
            throw Mismatch("an array of integers");
        }

        var result = new int[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = values[i] is >= int.MinValue and <= int.MaxValue ? (int)values[i] : throw Mismatch("an array of 32-bit integers");
        }

        return result;
    }

    public override string ToString() => Value switch
    {
        string text => text,
        Array array => $"[{array.Length} × {ElementType}]",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => Value.ToString() ?? string.Empty,
    };

    private EdgeLlmException Mismatch(string expected)
        => new($"GGUF key '{Key}' must be {expected}, but it holds {(ElementType is { } element ? $"an array of {element}" : Type.ToString())} {this}");
}

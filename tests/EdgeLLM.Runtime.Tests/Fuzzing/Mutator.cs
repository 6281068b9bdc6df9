using System.Text;

namespace EdgeLLM.Runtime.Tests.Fuzzing;

/// <summary>
/// Seeded mutations of a fixture's bytes: bit flips, truncations, insertions of hostile tokens (huge and negative
/// numbers, NaN, deep nesting, long strings, NULs, lone surrogates), duplicated slices and duplicated keys, and
/// numbers replaced by out-of-range ones. One to three per input. The same seed gives the same inputs.
/// </summary>
internal sealed class Mutator(int seed)
{
    private static readonly string[] Tokens =
    [
        "1e400", "-1e400", "1e30", "-1", "-2147483649", "2147483648", "4294967296", "9223372036854775808", "18446744073709551616",
        "99999999999999999999999999", "NaN", "Infinity", "-0", "0.5", "null", "true", "\"\"", "[]", "{}", "\"\\u0000\"", "\"\\ud800\"",
        "\"a\\u0000b\"", "\"../../etc/passwd\"", "\"/etc/shadow\"", "{{", "}}", "{%", "%}", "{% endfor %}", "{{ x.__class__ }}",
        "\u00ff", "\0",
    ];

    private readonly Random random = new(seed);

    public byte[] Mutate(byte[] input)
    {
        byte[] current = input;
        int count = random.Next(1, 4);
        for (int step = 0; step < count; step++)
        {
            current = MutateOnce(current);
        }

        return current;
    }

    private byte[] MutateOnce(byte[] input)
    {
        if (input.Length == 0)
        {
            return Encoding.UTF8.GetBytes(Tokens[random.Next(Tokens.Length)]);
        }

        switch (random.Next(8))
        {
            case 0:
            {
                byte[] flipped = (byte[])input.Clone();
                for (int index = random.Next(1, 5); index > 0; index--)
                {
                    flipped[random.Next(flipped.Length)] ^= (byte)(1 << random.Next(8));
                }

                return flipped;
            }

            case 1:
                return input[..random.Next(input.Length)];
            case 2:
                return Insert(input, Encoding.UTF8.GetBytes(Tokens[random.Next(Tokens.Length)]));
            case 3:
                return Insert(input, Encoding.UTF8.GetBytes(Nesting()));
            case 4:
                return Insert(input, Encoding.UTF8.GetBytes("\"" + new string((char)('a' + random.Next(26)), random.Next(1_000, 200_000)) + "\""));
            case 5:
            {
                int start = random.Next(input.Length);
                int length = Math.Min(input.Length - start, random.Next(1, 200));
                return Insert(input, input.AsSpan(start, length).ToArray());
            }

            case 6:
                return DuplicateKey(input);
            default:
                return ReplaceNumber(input);
        }
    }

    private string Nesting()
    {
        int depth = random.Next(100, 20_000);
        return random.Next(3) switch
        {
            0 => new string('[', depth),
            1 => string.Concat(Enumerable.Repeat("{\"a\":", depth)),
            _ => string.Concat(Enumerable.Repeat("(", depth)),
        };
    }

    private byte[] Insert(byte[] input, byte[] inserted)
    {
        int at = random.Next(input.Length + 1);
        return [.. input.AsSpan(0, at), .. inserted, .. input.AsSpan(at)];
    }

    /// <summary>Copies a <c>"key": value</c> span that follows a '{' or ',' to just after it: the key now appears twice.</summary>
    private byte[] DuplicateKey(byte[] input)
    {
        int start = random.Next(input.Length);
        int open = Array.FindIndex(input, start, value => value is (byte)'{' or (byte)',');
        if (open < 0)
        {
            return ReplaceNumber(input);
        }

        int end = Array.FindIndex(input, open + 1, value => value is (byte)',' or (byte)'}');
        if (end < 0)
        {
            return input;
        }

        byte[] pair = input[(open + 1)..end];
        return [.. input.AsSpan(0, open + 1), .. pair, (byte)',', .. input.AsSpan(open + 1)];
    }

    private byte[] ReplaceNumber(byte[] input)
    {
        int start = random.Next(input.Length);
        int digit = Array.FindIndex(input, start, value => value is >= (byte)'0' and <= (byte)'9');
        if (digit < 0)
        {
            return Insert(input, Encoding.UTF8.GetBytes(Tokens[random.Next(Tokens.Length)]));
        }

        int end = digit;
        while (end < input.Length && input[end] is >= (byte)'0' and <= (byte)'9' or (byte)'.' or (byte)'e' or (byte)'-')
        {
            end++;
        }

        string[] numbers = ["-1", "1e30", "9223372036854775808", "2147483648", "1e400", "0", "-0.0", "4294967295"];
        return [.. input.AsSpan(0, digit), .. Encoding.UTF8.GetBytes(numbers[random.Next(numbers.Length)]), .. input.AsSpan(end)];
    }
}

using System.Globalization;
using System.Text;

namespace EdgeLLM.Tui.Text;

/// <summary>
/// Puts a right-to-left line (Arabic, Hebrew, ...) into the left-to-right cell order a terminal
/// shows: runs of right-to-left letters are reversed by grapheme (marks stay on their letter),
/// embedded left-to-right runs (Latin words, numbers) keep their order, and the runs are laid out
/// from the right. Terminals that do no bidi of their own (tmux, xterm, the Linux console) then
/// show the line in reading order.
/// </summary>
public static class RightToLeftText
{
    private enum Direction
    {
        LeftToRight,
        RightToLeft,
        Neutral,
    }

    /// <summary>True when the first strong character of <paramref name="paragraph"/> is right-to-left.</summary>
    public static bool IsRightToLeft(string paragraph)
    {
        foreach (Rune rune in paragraph.EnumerateRunes())
        {
            Direction direction = DirectionOf(rune);
            if (direction != Direction.Neutral)
            {
                return direction == Direction.RightToLeft;
            }
        }

        return false;
    }

    /// <summary>The cells of one already-wrapped line of a right-to-left paragraph, left to right.</summary>
    public static string ToVisualOrder(string line)
    {
        var graphemes = new List<string>();
        TextElementEnumerator elements = StringInfo.GetTextElementEnumerator(line);
        while (elements.MoveNext())
        {
            graphemes.Add(elements.GetTextElement());
        }

        Direction[] directions = ResolveDirections(graphemes);
        var runs = new List<string>();
        int start = 0;
        while (start < graphemes.Count)
        {
            int end = start;
            while (end < graphemes.Count && directions[end] == directions[start])
            {
                end++;
            }

            var run = new StringBuilder();
            if (directions[start] == Direction.RightToLeft)
            {
                for (int index = end - 1; index >= start; index--)
                {
                    run.Append(Mirror(graphemes[index]));
                }
            }
            else
            {
                for (int index = start; index < end; index++)
                {
                    run.Append(graphemes[index]);
                }
            }

            runs.Add(run.ToString());
            start = end;
        }

        runs.Reverse();
        return string.Concat(runs);
    }

    /// <summary>Neutrals between two runs of one direction take it; all other neutrals follow the paragraph (right-to-left).</summary>
    private static Direction[] ResolveDirections(List<string> graphemes)
    {
        var directions = new Direction[graphemes.Count];
        for (int index = 0; index < graphemes.Count; index++)
        {
            directions[index] = DirectionOf(Rune.GetRuneAt(graphemes[index], 0));
        }

        int position = 0;
        while (position < directions.Length)
        {
            if (directions[position] != Direction.Neutral)
            {
                position++;
                continue;
            }

            int end = position;
            while (end < directions.Length && directions[end] == Direction.Neutral)
            {
                end++;
            }

            Direction before = position > 0 ? directions[position - 1] : Direction.RightToLeft;
            Direction after = end < directions.Length ? directions[end] : Direction.RightToLeft;
            Direction resolved = before == after ? before : Direction.RightToLeft;
            for (int index = position; index < end; index++)
            {
                directions[index] = resolved;
            }

            position = end;
        }

        return directions;
    }

    private static Direction DirectionOf(Rune rune)
    {
        int value = rune.Value;
        bool rightToLeft = value is (>= 0x0590 and <= 0x08FF) or (>= 0xFB1D and <= 0xFDFF) or (>= 0xFE70 and <= 0xFEFF)
            or (>= 0x10800 and <= 0x10FFF) or (>= 0x1E800 and <= 0x1EFFF);
        if (rightToLeft)
        {
            // Arabic-Indic digits read left to right inside right-to-left text.
            return value is (>= 0x0660 and <= 0x0669) or (>= 0x06F0 and <= 0x06F9) ? Direction.LeftToRight : Direction.RightToLeft;
        }

        return Rune.IsLetterOrDigit(rune) ? Direction.LeftToRight : Direction.Neutral;
    }

    private static string Mirror(string grapheme) => grapheme switch
    {
        "(" => ")",
        ")" => "(",
        "[" => "]",
        "]" => "[",
        "{" => "}",
        "}" => "{",
        "<" => ">",
        ">" => "<",
        "«" => "»",
        "»" => "«",
        _ => grapheme,
    };
}

using System.Globalization;
using Terminal.Gui.Text;

namespace EdgeLLM.Tui.Text;

/// <summary>Wraps one paragraph at word boundaries to a column width (graphemes never split; wide characters count two).</summary>
public static class WordWrapper
{
    public static IReadOnlyList<string> Wrap(string paragraph, int width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        var lines = new List<string>();
        if (paragraph.Length == 0)
        {
            lines.Add(string.Empty);
            return lines;
        }

        var line = new System.Text.StringBuilder();
        int lineColumns = 0;
        foreach (string word in SplitKeepingSpaces(paragraph))
        {
            int wordColumns = Columns(word);
            bool isSpace = string.IsNullOrWhiteSpace(word);
            if (lineColumns + wordColumns <= width)
            {
                line.Append(word);
                lineColumns += wordColumns;
                continue;
            }

            if (isSpace)
            {
                // A break here: the space is not carried to the next line.
                lines.Add(line.ToString().TrimEnd());
                line.Clear();
                lineColumns = 0;
                continue;
            }

            if (lineColumns > 0)
            {
                lines.Add(line.ToString().TrimEnd());
                line.Clear();
                lineColumns = 0;
            }

            // A word longer than the line is cut at grapheme boundaries.
            TextElementEnumerator elements = StringInfo.GetTextElementEnumerator(word);
            while (elements.MoveNext())
            {
                string grapheme = elements.GetTextElement();
                int columns = Columns(grapheme);
                if (lineColumns + columns > width && lineColumns > 0)
                {
                    lines.Add(line.ToString());
                    line.Clear();
                    lineColumns = 0;
                }

                line.Append(grapheme);
                lineColumns += columns;
            }
        }

        lines.Add(line.ToString().TrimEnd());
        return lines;
    }

    /// <summary>Terminal columns a string takes (control characters count zero).</summary>
    public static int Columns(string text) => text.GetColumns();

    private static IEnumerable<string> SplitKeepingSpaces(string paragraph)
    {
        int start = 0;
        while (start < paragraph.Length)
        {
            bool space = char.IsWhiteSpace(paragraph[start]);
            int end = start + 1;
            while (end < paragraph.Length && char.IsWhiteSpace(paragraph[end]) == space)
            {
                end++;
            }

            yield return paragraph[start..end];
            start = end;
        }
    }
}

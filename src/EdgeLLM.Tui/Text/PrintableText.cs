using System.Text;

namespace EdgeLLM.Tui.Text;

/// <summary>
/// Makes one line of model or user text safe to draw: a tab becomes spaces and any other control
/// character a visible replacement mark. Drawn as they are, a terminal would act on them (an
/// escape, a bell) and they would shift every column after them.
/// </summary>
public static class PrintableText
{
    public const int TabWidth = 4;

    public static string Line(string line)
    {
        if (!line.Any(char.IsControl))
        {
            return line;
        }

        var printable = new StringBuilder(line.Length + TabWidth);
        foreach (char character in line)
        {
            if (character == '\t')
            {
                printable.Append(' ', TabWidth);
            }
            else
            {
                printable.Append(char.IsControl(character) ? '\uFFFD' : character);
            }
        }

        return printable.ToString();
    }
}

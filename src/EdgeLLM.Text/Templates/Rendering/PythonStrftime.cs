using System.Globalization;
using System.Text;

namespace EdgeLLM.Text.Templates.Rendering;

/// <summary>Python's <c>strftime</c> for the directives chat templates use (dates in system prompts).</summary>
internal static class PythonStrftime
{
    public static string Format(DateTime time, string format)
    {
        var culture = CultureInfo.InvariantCulture;
        var builder = new StringBuilder();
        for (var index = 0; index < format.Length; index++)
        {
            if (format[index] != '%' || index + 1 >= format.Length)
            {
                builder.Append(format[index]);
                continue;
            }

            var directive = format[++index];
            builder.Append(directive switch
            {
                'Y' => time.ToString("yyyy", culture),
                'y' => time.ToString("yy", culture),
                'm' => time.ToString("MM", culture),
                'd' => time.ToString("dd", culture),
                'e' => time.Day.ToString(culture).PadLeft(2),
                'B' => time.ToString("MMMM", culture),
                'b' or 'h' => time.ToString("MMM", culture),
                'A' => time.ToString("dddd", culture),
                'a' => time.ToString("ddd", culture),
                'H' => time.ToString("HH", culture),
                'I' => time.ToString("hh", culture),
                'M' => time.ToString("mm", culture),
                'S' => time.ToString("ss", culture),
                'p' => time.Hour < 12 ? "AM" : "PM",
                'j' => time.DayOfYear.ToString("000", culture),
                'w' => ((int)time.DayOfWeek).ToString(culture),
                'F' => time.ToString("yyyy-MM-dd", culture),
                'T' => time.ToString("HH:mm:ss", culture),
                '%' => "%",
                _ => "%" + directive,
            });
        }

        return builder.ToString();
    }
}

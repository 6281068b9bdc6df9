using System.Text;

namespace EdgeLLM.Format.Files;

/// <summary>
/// An error message as the user sees it: one line (line breaks and other control characters written as
/// escapes, so a NUL or an ANSI sequence from a file is never printed raw) and at most <see cref="MaxLength"/>
/// characters (a value quoted from a hostile file is cut in the middle, the file and field named first stay).
/// </summary>
public static class MessageText
{
    public const int MaxLength = 400;

    /// <summary>True when <paramref name="message"/> is already one short line without control characters.</summary>
    public static bool IsOneLine(string message)
        => message.Length <= MaxLength && !message.Any(char.IsControl);

    public static string OneLine(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (IsOneLine(message))
        {
            return message;
        }

        var text = new StringBuilder(Math.Min(message.Length, MaxLength + 64));
        foreach (char character in message)
        {
            _ = character switch
            {
                '\n' => text.Append("\\n"),
                '\r' => text.Append("\\r"),
                '\t' => text.Append("\\t"),
                _ when char.IsControl(character) => text.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\u{(int)character:x4}"),
                _ => text.Append(character),
            };
        }

        if (text.Length <= MaxLength)
        {
            return text.ToString();
        }

        int head = MaxLength - 100;
        return string.Concat(text.ToString(0, head), $" ...({text.Length - head - 80} characters)... ", text.ToString(text.Length - 80, 80));
    }

    /// <summary>
    /// Runs <paramref name="read"/>; an <see cref="EdgeLlmException"/> it
    /// throws whose message is not one short line is thrown again with the message as <see cref="OneLine(string)"/> writes it.
    /// </summary>
    public static T InOneLine<T>(Func<T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        try
        {
            return read();
        }
        catch (EdgeLlmException exception) when (!IsOneLine(exception.Message))
        {
            throw new EdgeLlmException(OneLine(exception.Message), exception);
        }
    }
}

using EdgeLLM.Tui.Text;

namespace EdgeLLM.Tui.Conversation;

/// <summary>
/// Turns the transcript into display rows for a given width: prose word-wrapped, ``` fenced code
/// kept as is (not wrapped, the view scrolls sideways), right-to-left paragraphs wrapped in
/// logical order then put into visual order and right-aligned, reasoning dimmed and collapsible.
/// </summary>
public static class ConversationLayout
{
    public const string ToggleReasoningHint = "Ctrl+T";

    private const string UserPrefix = "> ";

    /// <summary>All rows; with a <paramref name="cache"/>, turns that did not change are not laid out again.</summary>
    public static List<DisplayLine> Build(ChatTranscript transcript, int width, TurnLayoutCache? cache = null)
    {
        var lines = new List<DisplayLine>();
        if (transcript.Turns.Count == 0 && transcript.Notice is { } notice)
        {
            AppendBody(lines, notice, width, LineStyle.Notice, LineStyle.Code);
        }

        cache?.Keep(transcript.Turns);
        foreach (ConversationTurn turn in transcript.Turns)
        {
            if (cache is null)
            {
                AppendTurn(lines, turn.Snapshot(), transcript.ShowReasoning, width);
            }
            else
            {
                lines.AddRange(cache.Rows(turn, transcript.ShowReasoning, width));
            }
        }

        return lines;
    }

    public static void AppendTurn(List<DisplayLine> lines, TurnSnapshot turn, bool showReasoning, int width)
    {
        int userWidth = Math.Max(1, width - UserPrefix.Length);
        bool first = true;
        foreach (string paragraph in turn.UserMessage.Split('\n').Select(PrintableText.Line))
        {
            bool rightToLeft = RightToLeftText.IsRightToLeft(paragraph);
            foreach (string row in WordWrapper.Wrap(paragraph, userWidth))
            {
                string shown = rightToLeft ? RightToLeftText.ToVisualOrder(row) : row;
                lines.Add(new DisplayLine((first ? UserPrefix : "  ") + shown, LineStyle.User));
                first = false;
            }
        }

        if (turn.Reasoning.Length > 0)
        {
            bool stillThinking = turn.Answer.Length == 0 && turn.State == TurnState.Streaming;
            bool expanded = showReasoning || stillThinking;
            int wordCount = turn.Reasoning.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
            lines.Add(new DisplayLine(
                expanded
                    ? $"[-] Thinking ({ToggleReasoningHint} hides)"
                    : $"[+] Thinking, {wordCount} words ({ToggleReasoningHint} shows)",
                LineStyle.ReasoningHeader));
            if (expanded)
            {
                AppendBody(lines, turn.Reasoning.Trim('\n'), width, LineStyle.Reasoning, LineStyle.Reasoning);
            }
        }

        if (turn.Answer.Length > 0)
        {
            AppendBody(lines, turn.Answer.Trim('\n'), width, LineStyle.Answer, LineStyle.Code);
        }
        else if (turn.State == TurnState.Streaming && turn.Reasoning.Length == 0)
        {
            lines.Add(new DisplayLine("...", LineStyle.Note));
        }

        if (turn.Note is { } note)
        {
            lines.Add(new DisplayLine($"[{note}]", LineStyle.Note));
        }

        lines.Add(new DisplayLine(string.Empty, LineStyle.Answer));
    }

    /// <summary>Prose and fenced code of one message.</summary>
    public static void AppendBody(List<DisplayLine> lines, string text, int width, LineStyle proseStyle, LineStyle codeStyle)
    {
        bool inFence = false;
        foreach (string rawLine in text.Split('\n'))
        {
            string line = PrintableText.Line(rawLine.TrimEnd('\r'));
            bool fence = line.TrimStart().StartsWith("```", StringComparison.Ordinal);
            if (fence || inFence)
            {
                // Code is kept as it is, column for column; the view scrolls sideways for wide lines.
                inFence ^= fence;
                lines.Add(new DisplayLine(line, codeStyle));
                continue;
            }

            if (RightToLeftText.IsRightToLeft(line))
            {
                foreach (string row in WordWrapper.Wrap(line.Trim(), width))
                {
                    string visual = RightToLeftText.ToVisualOrder(row);
                    int padding = Math.Max(0, width - WordWrapper.Columns(visual));
                    lines.Add(new DisplayLine(new string(' ', padding) + visual, proseStyle));
                }

                continue;
            }

            foreach (string row in WordWrapper.Wrap(line, width))
            {
                lines.Add(new DisplayLine(row, proseStyle));
            }
        }
    }
}

using System.Drawing;
using System.Globalization;
using EdgeLLM.Tui.Conversation;
using EdgeLLM.Tui.Text;
using Terminal.Gui.Drawing;
using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;
using Attribute = Terminal.Gui.Drawing.Attribute;
using LineStyle = EdgeLLM.Tui.Conversation.LineStyle;

namespace EdgeLLM.Tui.Views;

/// <summary>
/// The scrollable conversation: draws the laid-out rows of the transcript, follows the end while
/// text streams in (unless the reader scrolled up), and scrolls sideways for wide code lines.
/// Colours are picked from the 16-colour palette so a Linux console shows them too.
/// </summary>
internal sealed class ConversationView : View
{
    private readonly ChatTranscript transcript;
    private readonly TurnLayoutCache layoutCache = new();
    private List<DisplayLine> lines = [];
    private int laidOutWidth = -1;

    public ConversationView(ChatTranscript transcript)
    {
        this.transcript = transcript;
        CanFocus = true;
        ViewportSettings |= ViewportSettingsFlags.HasVerticalScrollBar;
        KeyBindings.Add(Key.PageUp, Command.PageUp);
        KeyBindings.Add(Key.PageDown, Command.PageDown);
        KeyBindings.Add(Key.CursorUp, Command.ScrollUp);
        KeyBindings.Add(Key.CursorDown, Command.ScrollDown);
        KeyBindings.Add(Key.CursorLeft, Command.ScrollLeft);
        KeyBindings.Add(Key.CursorRight, Command.ScrollRight);
        AddCommand(Command.PageUp, () => ScrollPage(-1));
        AddCommand(Command.PageDown, () => ScrollPage(1));
        AddCommand(Command.ScrollUp, () => ScrollVertical(-1));
        AddCommand(Command.ScrollDown, () => ScrollVertical(1));
        AddCommand(Command.ScrollLeft, () => ScrollHorizontal(-4));
        AddCommand(Command.ScrollRight, () => ScrollHorizontal(4));
    }

    /// <summary>Keep the last row in view as rows are added (the chat); false shows text from the top (dialogs).</summary>
    public bool FollowEnd { get; init; } = true;

    /// <summary>The rows as laid out for the current width (tests and transcript checks read them).</summary>
    public IReadOnlyList<DisplayLine> Lines => lines;

    /// <summary>Re-lays the transcript out and keeps the end in view when it was in view.</summary>
    public void Refresh()
    {
        int width = Math.Max(1, Viewport.Width);
        bool atEnd = Viewport.Y + Viewport.Height >= lines.Count;
        lines = ConversationLayout.Build(transcript, width, layoutCache);
        laidOutWidth = width;
        int widest = lines.Count == 0 ? 0 : lines.Max(line => WordWrapper.Columns(line.Text));
        SetContentSize(new Size(Math.Max(width, widest), Math.Max(lines.Count, 1)));
        if (FollowEnd && atEnd)
        {
            ScrollToEnd();
        }

        SetNeedsDraw();
    }

    public void ScrollToEnd()
    {
        int top = Math.Max(0, lines.Count - Viewport.Height);
        Viewport = Viewport with { X = 0, Y = top };
    }

    public bool? ScrollPage(int direction)
    {
        ScrollVertical(direction * Math.Max(1, Viewport.Height - 1));
        return true;
    }

    protected override void OnViewportChanged(DrawEventArgs e)
    {
        base.OnViewportChanged(e);
        if (Viewport.Width != laidOutWidth && Viewport.Width > 0)
        {
            Refresh();
        }
    }

    protected override bool OnDrawingContent(DrawContext? context)
    {
        Attribute normal = GetAttributeForRole(VisualRole.Normal);
        for (int row = 0; row < Viewport.Height; row++)
        {
            int index = Viewport.Y + row;
            if (index >= lines.Count)
            {
                break;
            }

            DisplayLine line = lines[index];
            SetAttribute(AttributeFor(line.Style, normal));
            Move(0, row);
            AddStr(SkipColumns(line.Text, Viewport.X));
        }

        SetAttribute(normal);
        return true;
    }

    private static Attribute AttributeFor(LineStyle style, Attribute normal) => style switch
    {
        LineStyle.User => new Attribute(ColorName16.BrightCyan, normal.Background),
        LineStyle.ReasoningHeader => new Attribute(ColorName16.Gray, normal.Background),
        LineStyle.Reasoning or LineStyle.Note => new Attribute(ColorName16.DarkGray, normal.Background),
        LineStyle.Code => new Attribute(ColorName16.BrightGreen, normal.Background),
        LineStyle.Notice => new Attribute(ColorName16.BrightYellow, normal.Background),
        _ => normal,
    };

    private static string SkipColumns(string text, int columns)
    {
        if (columns <= 0)
        {
            return text;
        }

        TextElementEnumerator elements = StringInfo.GetTextElementEnumerator(text);
        int skipped = 0;
        while (skipped < columns && elements.MoveNext())
        {
            skipped += WordWrapper.Columns(elements.GetTextElement());
        }

        int start = skipped >= columns && elements.ElementIndex >= 0 ? elements.ElementIndex + elements.GetTextElement().Length : text.Length;
        return start >= text.Length ? string.Empty : text[start..];
    }
}

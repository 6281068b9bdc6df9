using Terminal.Gui.Input;
using Terminal.Gui.Views;

namespace EdgeLLM.Tui.Views;

/// <summary>
/// The message box: multi-line; Enter sends, Ctrl+J or Alt+Enter inserts a new line, Up on the
/// first line and Down on the last walk through the messages sent before.
/// </summary>
// TextView is marked obsolete in Terminal.Gui 2.5.0 in favour of EditorView from the separate
// tui-cs/Editor package, which is not among our packages; TextView is still the toolkit's own
// multi-line editor, so its use is allowed here and only here.
#pragma warning disable CS0618
internal sealed class PromptView : TextView
#pragma warning restore CS0618
{
    private readonly List<string> history = [];
    private int historyIndex;
    private string draft = string.Empty;

    public PromptView()
    {
        WordWrap = true;
    }

    /// <summary>
    /// Called with the message text when Enter is pressed on a non-empty message; returns whether it
    /// was taken. A message that was not (no model yet, a reply still running) stays in the box.
    /// </summary>
    public Func<string, bool>? Submit { get; set; }

    /// <summary>
    /// Ctrl+J and Alt+Enter. Terminals send Ctrl+J as a line feed, which the ANSI driver reports as
    /// Ctrl+Enter, and Alt+Enter as ESC CR, reported as Ctrl+Alt+M (seen in tmux and xterm).
    /// </summary>
    public static bool IsNewLineKey(Key key)
        => key == Key.J.WithCtrl || key == Key.Enter.WithCtrl || key == Key.Enter.WithAlt || key == Key.M.WithCtrl.WithAlt;

    protected override bool OnKeyDown(Key key)
    {
        if (key == Key.Enter)
        {
            string message = Text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd();
            if (message.Length > 0 && Submit?.Invoke(message) == true)
            {
                history.Add(message);
                historyIndex = history.Count;
                draft = string.Empty;
                Text = string.Empty;
            }

            return true;
        }

        if (IsNewLineKey(key))
        {
            InsertText("\n");
            return true;
        }

        if (key == Key.CursorUp && CurrentRow == 0 && historyIndex > 0)
        {
            if (historyIndex == history.Count)
            {
                draft = Text;
            }

            historyIndex--;
            ShowText(history[historyIndex]);
            return true;
        }

        if (key == Key.CursorDown && CurrentRow >= Lines - 1 && historyIndex < history.Count)
        {
            historyIndex++;
            ShowText(historyIndex == history.Count ? draft : history[historyIndex]);
            return true;
        }

        return base.OnKeyDown(key);
    }

    private void ShowText(string text)
    {
        Text = text;
        MoveEnd();
    }
}

using EdgeLLM.Tui.Conversation;
using EdgeLLM.Tui.Views;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace EdgeLLM.Tui.Dialogs;

/// <summary>
/// A block of text with an OK button (help, device info, saved path): left-aligned (MessageBox
/// centres every line), word-wrapped, and scrollable with the arrows and PageUp/PageDown when it
/// is taller than the screen.
/// </summary>
internal sealed class TextDialog : Dialog
{
    public TextDialog(string title, string text, int screenWidth, int screenHeight)
    {
        Title = title;
        var transcript = new ChatTranscript { Notice = text };
        int width = Math.Max(20, Math.Min(screenWidth - 6, 76));
        int rows = ConversationLayout.Build(transcript, width).Count;
        var body = new ConversationView(transcript)
        {
            FollowEnd = false,
            X = 0,
            Y = 0,
            Width = width,
            Height = Math.Max(1, Math.Min(rows, screenHeight - 8)),
        };
        Add(body);
        AddButton(new Button { Text = "OK" });
        body.SetFocus();
    }
}

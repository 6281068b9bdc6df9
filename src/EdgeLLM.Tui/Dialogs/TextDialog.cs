using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace EdgeLLM.Tui.Dialogs;

/// <summary>A left-aligned block of text with an OK button (help, device info, saved path); MessageBox centres every line.</summary>
internal sealed class TextDialog : Dialog
{
    public TextDialog(string title, string text)
    {
        Title = title;
        Add(new Label { X = 0, Y = 0, Text = text });
        AddButton(new Button { Text = "OK" });
    }
}

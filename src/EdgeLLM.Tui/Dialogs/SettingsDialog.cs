using System.Globalization;
using EdgeLLM.Format;
using EdgeLLM.Runtime.Chat;
using EdgeLLM.Tui.Settings;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace EdgeLLM.Tui.Dialogs;

/// <summary>Edits the chat settings; empty number fields mean "the model's default" (or "none" for the think budget).</summary>
internal sealed class SettingsDialog : Dialog
{
    private const int LabelWidth = 15;
    private const int FieldWidth = 44;

    public SettingsDialog(TuiSettings settings)
    {
        Title = "Settings";
        CultureInfo invariant = CultureInfo.InvariantCulture;
        ChatSettings chat = settings.Chat;
        SystemPrompt = AddField(0, "System prompt", chat.SystemPrompt ?? string.Empty);
        Temperature = AddField(1, "Temperature", chat.Temperature?.ToString("0.###", invariant) ?? string.Empty);
        TopP = AddField(2, "Top-p", chat.TopP?.ToString("0.###", invariant) ?? string.Empty);
        MaxTokens = AddField(3, "Max tokens", chat.MaxTokens.ToString(invariant));
        Think = AddField(4, "Think", SettingsFile.ThinkName(chat.Think));
        ThinkBudget = AddField(5, "Think budget", chat.ThinkBudget?.ToString(invariant) ?? string.Empty);
        Context = AddField(6, "Context", settings.ContextLength == 0 ? string.Empty : settings.ContextLength.ToString(invariant));
        Add(new Label
        {
            X = 0,
            Y = 8,
            Text = "Empty: model default. Think: on, hide or off.\nContext: tokens (empty: planner); changing it reloads.",
        });
        AddButton(new Button { Text = "Cancel" });
        AddButton(new Button { Text = "OK" });
    }

    public TextField SystemPrompt { get; }

    public TextField Temperature { get; }

    public TextField TopP { get; }

    public TextField MaxTokens { get; }

    public TextField Think { get; }

    public TextField ThinkBudget { get; }

    public TextField Context { get; }

    /// <summary>True when the dialog was closed with OK (the last button).</summary>
    public bool Confirmed => Result == 1;

    /// <summary>The edited settings, or an <see cref="FormatException"/> naming the field that does not parse.</summary>
    public TuiSettings Read(TuiSettings current) => current with
    {
        // Sampling fields the dialog does not show (top-k, min-p, ...) are kept as they were.
        Chat = current.Chat with
        {
            SystemPrompt = string.IsNullOrWhiteSpace(SystemPrompt.Text) ? null : SystemPrompt.Text,
            Temperature = OptionalDouble(Temperature.Text, "Temperature", 0, 5),
            TopP = OptionalDouble(TopP.Text, "Top-p", 0, 1),
            MaxTokens = OptionalInt(MaxTokens.Text, "Max tokens", 1) ?? current.Chat.MaxTokens,
            Think = ParseThink(Think.Text),
            ThinkBudget = OptionalInt(ThinkBudget.Text, "Think budget", 0),
        },
        ContextLength = OptionalInt(Context.Text, "Context", 16) ?? 0,
    };

    private TextField AddField(int row, string label, string value)
    {
        Add(new Label { X = 0, Y = row, Text = label });
        var field = new TextField { X = LabelWidth, Y = row, Width = FieldWidth, Text = value };
        Add(field);
        return field;
    }

    private static ThinkMode ParseThink(string text)
    {
        try
        {
            return SettingsFile.ParseThink(text, "Think");
        }
        catch (EdgeLlmException exception)
        {
            throw new FormatException(exception.Message, exception);
        }
    }

    private static double? OptionalDouble(string text, string name, double minimum, double maximum)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (!double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value) || value < minimum || value > maximum)
        {
            throw new FormatException($"{name} must be a number from {minimum} to {maximum}, not \"{text.Trim()}\".");
        }

        return value;
    }

    private static int? OptionalInt(string text, string name, int minimum)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (!int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < minimum)
        {
            throw new FormatException($"{name} must be a whole number of at least {minimum}, not \"{text.Trim()}\".");
        }

        return value;
    }
}

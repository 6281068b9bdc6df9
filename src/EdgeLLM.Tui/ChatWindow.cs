using EdgeLLM.Tui.Chat;
using EdgeLLM.Tui.Conversation;
using EdgeLLM.Tui.Dialogs;
using EdgeLLM.Tui.Models;
using EdgeLLM.Tui.Settings;
using EdgeLLM.Tui.Status;
using EdgeLLM.Tui.Views;
using Terminal.Gui.App;
using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace EdgeLLM.Tui;

/// <summary>
/// The chat screen: status line, conversation, message box, shortcut bar, and the keys. What the keys do is
/// the <see cref="ChatController"/>'s; this window shows what it reports, on the UI thread: work from the
/// controller's worker tasks arrives through <see cref="UiQueue"/>.
/// </summary>
internal sealed class ChatWindow : Runnable, IChatView
{
    private readonly IApplication app;
    private readonly ChatAppOptions options;
    private readonly ChatController controller;
    private readonly ConversationView conversation;
    private readonly PromptView prompt;
    private readonly Label statusLine;
    private readonly UiQueue ui;
    private bool interruptPending;

    public ChatWindow(IApplication app, ChatAppOptions options)
    {
        this.app = app;
        this.options = options;
        Width = Dim.Fill();
        Height = Dim.Fill();

        statusLine = new Label { X = 0, Y = 0, Width = Dim.Fill(), Height = 1 };
        ui = new UiQueue(app);
        controller = new ChatController(this, options);
        conversation = new ConversationView(controller.Transcript) { X = 0, Y = 1, Width = Dim.Fill(), Height = Dim.Fill(5) };
        var promptTitle = new Label
        {
            X = 0,
            Y = Pos.AnchorEnd(5),
            Width = Dim.Fill(),
            Height = 1,
            Text = "-- Enter sends, Ctrl+J new line, Up/Down history, Esc stops, Ctrl+S saves -----",
        };
        prompt = new PromptView { X = 0, Y = Pos.AnchorEnd(4), Width = Dim.Fill(), Height = 3 };
        prompt.Submit = controller.Send;
        var shortcuts = new StatusBar(
        [
            new Shortcut(KeyMap.Help, "Help", ShowHelp),
            new Shortcut(KeyMap.Settings, "Settings", EditSettings),
            new Shortcut(KeyMap.SwitchModel, "Model", PickModel),
            new Shortcut(KeyMap.DeviceInfo, "Device", ShowDeviceInfo),
            new Shortcut(KeyMap.NewChat, "New", NewChat),
            new Shortcut(KeyMap.Quit, "Quit", Quit),
        ]);
        Add(statusLine, conversation, promptTitle, prompt, shortcuts);

        app.Keyboard.KeyDown += OnApplicationKeyDown;
        ui.Post(Start);
        app.AddTimeout(TimeSpan.FromSeconds(2), () =>
        {
            controller.RefreshStatus();
            return true;
        });
        controller.RefreshStatus();
    }

    internal ConversationView Conversation => conversation;

    internal PromptView Prompt => prompt;

    internal ChatTranscript Transcript => controller.Transcript;

    internal bool IsGenerating => controller.IsGenerating;

    /// <summary>Runs <paramref name="action"/> on the UI thread (the controller's workers report through it; tests inject keys and read the screen through it).</summary>
    public void Post(Action action) => ui.Post(action);

    void IChatView.TranscriptChanged() => conversation.Refresh();

    void IChatView.ReplyStarted()
    {
        conversation.ScrollToEnd();
        conversation.Refresh();
    }

    void IChatView.ShowStatus(StatusFigures figures) => statusLine.Text = figures.Format(Math.Max(20, app.Screen.Width));

    void IChatView.ShowError(string sentence) => ShowError(sentence);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            app.Keyboard.KeyDown -= OnApplicationKeyDown;
            ui.Dispose();
            controller.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Start()
    {
        prompt.SetFocus();
        if (controller.SettingsProblem is { } problem)
        {
            ShowError(problem);
        }

        if (options.ModelFolder is { } folder)
        {
            controller.OpenModel(folder);
        }
        else
        {
            PickModel();
        }
    }

    /// <summary>Global keys: handled before the focused view sees them, only while the chat screen is on top.</summary>
    private void OnApplicationKeyDown(object? sender, Key key)
    {
        if (app.TopRunnableView != this)
        {
            return;
        }

        if (key == KeyMap.Interrupt)
        {
            key.Handled = true;
            Interrupt();
            return;
        }

        interruptPending = false;
        Action? action = key == KeyMap.Stop ? controller.Stop
            : key == KeyMap.ToggleReasoning ? ToggleReasoning
            : key == KeyMap.Help ? ShowHelp
            : key == KeyMap.Settings ? EditSettings
            : key == KeyMap.SwitchModel ? PickModel
            : key == KeyMap.DeviceInfo ? ShowDeviceInfo
            : key == KeyMap.NewChat ? NewChat
            : key == KeyMap.SaveTranscript ? SaveTranscript
            : key == KeyMap.Quit ? Quit
            : key == Key.PageUp ? () => conversation.ScrollPage(-1)
            : key == Key.PageDown ? () => conversation.ScrollPage(1)
            : null;
        if (action is not null)
        {
            key.Handled = true;
            action();
        }
    }

    /// <summary>Ctrl-C: stops the reply like Esc; a second Ctrl-C (or the first with no reply running) asked again, then quits.</summary>
    private void Interrupt()
    {
        if (controller.IsGenerating && !interruptPending)
        {
            interruptPending = true;
            controller.Stop();
            return;
        }

        if (interruptPending)
        {
            Quit();
            return;
        }

        interruptPending = true;
        controller.ShowActivity("Ctrl+C again quits");
    }

    private void ToggleReasoning()
    {
        controller.Transcript.ShowReasoning = !controller.Transcript.ShowReasoning;
        conversation.Refresh();
    }

    private void NewChat()
    {
        if (app.TopRunnableView == this)
        {
            controller.NewChat();
        }
    }

    private void PickModel()
    {
        if (app.TopRunnableView != this || !controller.CanSwitchModel)
        {
            return;
        }

        IReadOnlyList<ModelEntry> models = controller.FindModels();
        if (models.Count == 0)
        {
            return;
        }

        using var picker = new ModelPickerDialog(models, controller.PreferredModelFolder);
        app.Run(picker);
        if (picker.Chosen is { } chosen)
        {
            controller.OpenModel(chosen.Folder);
        }
        else
        {
            controller.NoModelChosen();
        }
    }

    private void EditSettings()
    {
        if (app.TopRunnableView != this)
        {
            return;
        }

        using var dialog = new SettingsDialog(controller.Settings);
        app.Run(dialog);
        if (!dialog.Confirmed)
        {
            return;
        }

        TuiSettings edited;
        try
        {
            edited = dialog.Read(controller.Settings);
        }
        catch (FormatException exception)
        {
            ShowError(exception.Message);
            return;
        }

        controller.ApplySettings(edited);
    }

    private void SaveTranscript()
    {
        if (app.TopRunnableView == this && controller.SaveTranscript(DateTimeOffset.Now) is { } path)
        {
            ShowText("Saved", $"The chat was saved to\n{path}");
        }
    }

    private void ShowHelp()
    {
        if (app.TopRunnableView == this)
        {
            ShowText("Keys", KeyMap.HelpText);
        }
    }

    private void ShowDeviceInfo()
    {
        if (app.TopRunnableView == this && controller.DescribeDevice() is { } text)
        {
            ShowText("Device", text);
        }
    }

    private void Quit()
    {
        if (app.TopRunnableView == this)
        {
            controller.Stop();
            RequestStop();
        }
    }

    private void ShowError(string sentence) => MessageBox.ErrorQuery(app, "Error", sentence, "OK");

    private void ShowText(string title, string text)
    {
        using var dialog = new TextDialog(title, text, app.Screen.Width, app.Screen.Height);
        app.Run(dialog);
    }
}

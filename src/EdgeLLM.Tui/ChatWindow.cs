using EdgeLLM.Format.Providers;
using EdgeLLM.Runtime.Chat;
using EdgeLLM.Runtime.Diagnostics;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Model;
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
/// The chat screen: status line, conversation, message box, shortcut bar. Generation runs on a
/// worker task; streamed text is appended to the turn there and the view is refreshed on the UI
/// thread through <see cref="UiQueue"/> (at most one refresh queued at a time).
/// </summary>
internal sealed class ChatWindow : Runnable
{
    private readonly IApplication app;
    private readonly ChatAppOptions options;
    private readonly ChatTranscript transcript = new();
    private readonly ConversationView conversation;
    private readonly PromptView prompt;
    private readonly Label statusLine;
    private readonly UiQueue ui;
    private TuiSettings settings;
    private IChatSession? session;
    private string? sessionFolder;
    private CancellationTokenSource? generation;
    private bool interruptPending;
    private Task? runningReply;
    private bool loading;
    private bool resetWhenStopped;
    private StatusFigures figures = new();
    private int refreshQueued;

    public ChatWindow(IApplication app, ChatAppOptions options)
    {
        this.app = app;
        this.options = options;
        settings = LoadSettings(options.SettingsPath, out string? settingsProblem);
        Width = Dim.Fill();
        Height = Dim.Fill();

        statusLine = new Label { X = 0, Y = 0, Width = Dim.Fill(), Height = 1 };
        conversation = new ConversationView(transcript) { X = 0, Y = 1, Width = Dim.Fill(), Height = Dim.Fill(5) };
        var promptTitle = new Label
        {
            X = 0,
            Y = Pos.AnchorEnd(5),
            Width = Dim.Fill(),
            Height = 1,
            Text = "-- Enter sends, Ctrl+J new line, Up/Down history, Esc stops, Ctrl+S saves -----",
        };
        prompt = new PromptView { X = 0, Y = Pos.AnchorEnd(4), Width = Dim.Fill(), Height = 3 };
        prompt.Submit = Send;
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

        transcript.Notice = "Welcome to EdgeLLM. F1 lists the keys.";
        app.Keyboard.KeyDown += OnApplicationKeyDown;
        ui = new UiQueue(app);
        ui.Post(() => Start(settingsProblem));
        app.AddTimeout(TimeSpan.FromSeconds(2), () =>
        {
            UpdateStatus();
            return true;
        });
        UpdateStatus();
    }

    internal ConversationView Conversation => conversation;

    internal PromptView Prompt => prompt;

    internal ChatTranscript Transcript => transcript;

    internal bool IsGenerating => generation is not null;

    /// <summary>Runs <paramref name="action"/> on the UI thread (tests inject keys and read the screen through it).</summary>
    internal void Post(Action action) => ui.Post(action);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            app.Keyboard.KeyDown -= OnApplicationKeyDown;
            ui.Dispose();
            generation?.Cancel();
            WaitForReplyToEnd();
            session?.Dispose();
            session = null;
        }

        base.Dispose(disposing);
    }

    /// <summary>The engine must not be disposed under a running reply: cancel, then give it a moment to return.</summary>
    private void WaitForReplyToEnd()
    {
        try
        {
            runningReply?.Wait(TimeSpan.FromSeconds(10));
        }
        catch (AggregateException)
        {
            // Its failure was (or would have been) shown; only its end matters here.
        }
    }

    private static TuiSettings LoadSettings(string path, out string? problem)
    {
        try
        {
            problem = null;
            return SettingsFile.Load(path);
        }
        catch (InvalidDataException exception)
        {
            // Kept, not overwritten by the defaults at the next save: renamed aside and named in the notice.
            string kept;
            try
            {
                kept = $"the file was renamed to {SettingsFile.SetAside(path)}";
            }
            catch (Exception moveException) when (moveException is IOException or UnauthorizedAccessException)
            {
                kept = $"it could not be renamed aside ({moveException.Message})";
            }

            problem = $"Settings were not read, the defaults are used: {exception.Message}; {kept}";
            return new TuiSettings();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            problem = $"Settings were not read, the defaults are used: {exception.Message}";
            return new TuiSettings();
        }
    }

    private void Start(string? settingsProblem)
    {
        prompt.SetFocus();
        if (settingsProblem is not null)
        {
            ShowError(settingsProblem);
        }

        if (options.ModelFolder is { } folder)
        {
            OpenModel(folder);
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
        Action? action = key == KeyMap.Stop ? StopGeneration
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

    /// <summary>Starts a reply to <paramref name="message"/>; false (the message stays in the box) when none can start now.</summary>
    private bool Send(string message)
    {
        if (loading)
        {
            ShowError("The model is still loading: send the message when it is ready.");
            return false;
        }

        if (session is null)
        {
            ShowError("No model is open: press F3 to pick one.");
            return false;
        }

        if (generation is not null)
        {
            // One reply at a time: Esc stops the running one.
            return false;
        }

        IChatSession active = session;
        ConversationTurn turn = transcript.Begin(message);
        ChatSettings request = settings.ToChatSettings();
        var cancellation = new CancellationTokenSource();
        generation = cancellation;
        figures = figures with { Activity = "generating (Esc stops)" };
        UpdateStatus();
        conversation.ScrollToEnd();
        conversation.Refresh();

        // Think "hide": the model still reasons, the window shows only the answer.
        bool hideReasoning = request.Think == ThinkMode.Hide;
        Task<ChatReply> reply = Task.Run(
            () => active.SendAsync(
                message,
                request,
                piece =>
                {
                    if (!(hideReasoning && piece.Part == ReplyPart.Reasoning))
                    {
                        OnStreamed(turn, piece);
                    }
                },
                cancellation.Token),
            CancellationToken.None);
        runningReply = reply;
        reply.ContinueWith(
            finished => ui.Post(() => Finish(turn, finished, cancellation)),
            CancellationToken.None,
            TaskContinuationOptions.None,
            TaskScheduler.Default);
        return true;
    }

    /// <summary>On the generation thread: keep the text, ask the UI thread for one refresh.</summary>
    private void OnStreamed(ConversationTurn turn, ChatStreamEvent piece)
    {
        if (turn.Append(piece) && Interlocked.Exchange(ref refreshQueued, 1) == 0)
        {
            ui.Post(() =>
            {
                Volatile.Write(ref refreshQueued, 0);
                conversation.Refresh();
            });
        }
    }

    private void Finish(ConversationTurn turn, Task<ChatReply> finished, CancellationTokenSource cancellation)
    {
        if (generation == cancellation)
        {
            generation = null;
            runningReply = null;
        }

        cancellation.Dispose();
        figures = figures with { Activity = null };
        if (finished.IsCompletedSuccessfully)
        {
            ChatReply reply = finished.Result;
            turn.Finish(reply.Generation.StopReason switch
            {
                StopReason.MaxTokens => "max tokens reached",
                StopReason.ContextFull => "context full",
                _ => null,
            });
            figures = figures with
            {
                PrefillTokensPerSecond = reply.Generation.PrefillTokensPerSecond,
                DecodeTokensPerSecond = reply.Generation.DecodeTokensPerSecond,
                ContextUsed = reply.ContextUsed,
            };
            if (reply.Generation.StopReason == StopReason.ContextFull)
            {
                ShowError("The conversation is full: start a new chat (Ctrl+N) or raise the context in Settings (F2).");
            }
        }
        else if (finished.Exception?.GetBaseException() is { } failure and not OperationCanceledException)
        {
            string sentence = ErrorText.OneSentence(failure, "generate a reply");
            turn.Fail("error");
            ShowError(sentence);
        }
        else
        {
            turn.Stop();
        }

        conversation.Refresh();
        UpdateStatus();
        if (resetWhenStopped)
        {
            resetWhenStopped = false;
            NewChat();
        }
    }

    /// <summary>Ctrl-C: stops the reply like Esc; a second Ctrl-C (or the first with no reply running) asked again, then quits.</summary>
    private void Interrupt()
    {
        if (generation is not null && !interruptPending)
        {
            interruptPending = true;
            StopGeneration();
            return;
        }

        if (interruptPending)
        {
            Quit();
            return;
        }

        interruptPending = true;
        figures = figures with { Activity = "Ctrl+C again quits" };
        UpdateStatus();
    }

    private void StopGeneration()
    {
        if (generation is { } running)
        {
            // The turn freezes now; the engine stops at its next token and returns what it kept.
            transcript.Turns[^1].Stop();
            running.Cancel();
            conversation.Refresh();
        }
    }

    private void ToggleReasoning()
    {
        transcript.ShowReasoning = !transcript.ShowReasoning;
        conversation.Refresh();
    }

    private void NewChat()
    {
        if (app.TopRunnableView != this)
        {
            return;
        }

        if (generation is not null)
        {
            // The engine is reset once the reply has returned (see Finish), never under it.
            resetWhenStopped = true;
            StopGeneration();
            return;
        }

        session?.Reset();
        transcript.Clear();
        transcript.Notice = session is null ? transcript.Notice : $"New chat with {session.ModelName}.";
        figures = figures with { ContextUsed = 0 };
        conversation.Refresh();
        UpdateStatus();
    }

    private void PickModel()
    {
        if (app.TopRunnableView != this || generation is not null || loading)
        {
            return;
        }

        IReadOnlyList<ModelEntry> models = ModelCatalog.Find(options.ModelSearchFolders);
        if (models.Count == 0)
        {
            transcript.Clear();
            transcript.Notice = ModelCatalog.HowToGetOne(options.ModelSearchFolders);
            conversation.Refresh();
            return;
        }

        using var picker = new ModelPickerDialog(models, sessionFolder ?? settings.LastModel);
        app.Run(picker);
        if (picker.Chosen is { } chosen)
        {
            OpenModel(chosen.Folder);
        }
        else if (session is null)
        {
            transcript.Notice = "No model is open. Press F3 to pick one, F1 for the keys.";
            conversation.Refresh();
        }
    }

    private void OpenModel(string folder)
    {
        string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)));
        loading = true;
        figures = figures with { Activity = $"loading {name}" };
        UpdateStatus();
        SessionSettings sessionSettings = options.SessionSettings with { ContextLength = settings.ContextLength };
        var notices = new System.Collections.Concurrent.ConcurrentQueue<string>();
        Task.Run(() => options.OpenSession(folder, sessionSettings, notices.Enqueue)).ContinueWith(
            opened => ui.Post(() => Opened(folder, name, opened, notices)),
            CancellationToken.None,
            TaskContinuationOptions.None,
            TaskScheduler.Default);
    }

    private void Opened(string folder, string name, Task<IChatSession> opened, IEnumerable<string> notices)
    {
        loading = false;
        figures = figures with { Activity = null };
        if (!opened.IsCompletedSuccessfully)
        {
            Exception failure = opened.Exception?.GetBaseException() ?? new InvalidOperationException("the model did not open");
            UpdateStatus();
            ShowError(ErrorText.OneSentence(failure, $"load the model {name}"));
            return;
        }

        session?.Dispose();
        session = opened.Result;
        sessionFolder = folder;
        transcript.Clear();
        transcript.Notice = $"{session.ModelName} is ready ({session.Precision}, {session.ExecutionProvider}). Type a message and press Enter."
            + string.Concat(notices.Select(notice => "\nNote: " + notice));
        figures = new StatusFigures
        {
            ModelName = session.ModelName,
            Precision = session.Precision,
            ExecutionProvider = session.ExecutionProvider,
            Engine = session.Engine,
            Threads = session.Threads,
            ContextLength = session.ContextLength,
            ContextUsed = session.ContextUsed,
        };
        settings = settings with { LastModel = folder };
        SaveSettings();
        conversation.Refresh();
        UpdateStatus();
    }

    private void EditSettings()
    {
        if (app.TopRunnableView != this)
        {
            return;
        }

        using var dialog = new SettingsDialog(settings);
        app.Run(dialog);
        if (!dialog.Confirmed)
        {
            return;
        }

        TuiSettings edited;
        try
        {
            edited = dialog.Read(settings);
        }
        catch (FormatException exception)
        {
            ShowError(exception.Message);
            return;
        }

        bool contextChanged = edited.ContextLength != settings.ContextLength;
        settings = edited;
        SaveSettings();
        if (contextChanged && sessionFolder is not null && generation is null)
        {
            OpenModel(sessionFolder);
        }
    }

    private void SaveSettings()
    {
        try
        {
            SettingsFile.Save(options.SettingsPath, settings);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // InvalidDataException (an IOException) too: a value out of range is never written.
            ShowError($"Settings could not be saved to {options.SettingsPath}: {exception.Message}");
        }
    }

    private void SaveTranscript()
    {
        if (app.TopRunnableView != this)
        {
            return;
        }

        if (transcript.Turns.Count == 0)
        {
            ShowError("There is nothing to save yet.");
            return;
        }

        try
        {
            string path = MarkdownTranscript.Save(transcript, session?.ModelName ?? "EdgeLLM", options.TranscriptFolder, DateTimeOffset.Now);
            ShowText("Saved", $"The chat was saved to\n{path}");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            ShowError(ErrorText.OneSentence(exception, "save the chat"));
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
        if (app.TopRunnableView != this)
        {
            return;
        }

        string text;
        if (options.DescribeDevice is { } describe)
        {
            try
            {
                text = describe();
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                ShowError(ErrorText.OneSentence(exception, "read the device information"));
                return;
            }
        }
        else
        {
            text = "Device detection is not available in this build.";
        }

        ShowText("Device", text);
    }

    private void Quit()
    {
        if (app.TopRunnableView == this)
        {
            StopGeneration();
            RequestStop();
        }
    }

    private void ShowError(string sentence) => MessageBox.ErrorQuery(app, "Error", sentence, "OK");

    private void ShowText(string title, string text)
    {
        using var dialog = new TextDialog(title, text, app.Screen.Width, app.Screen.Height);
        app.Run(dialog);
    }

    private void UpdateStatus()
    {
        figures = figures with
        {
            ResidentBytes = ProcessMemory.ResidentBytes(),
            ContextUsed = session?.ContextUsed ?? figures.ContextUsed,
        };
        statusLine.Text = figures.Format(Math.Max(20, app.Screen.Width));
    }
}

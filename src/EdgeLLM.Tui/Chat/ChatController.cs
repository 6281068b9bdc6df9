using System.Collections.Concurrent;
using EdgeLLM.Format;
using EdgeLLM.Runtime.Chat;
using EdgeLLM.Runtime.Diagnostics;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Model;
using EdgeLLM.Tui.Conversation;
using EdgeLLM.Tui.Models;
using EdgeLLM.Tui.Settings;
using EdgeLLM.Tui.Status;

namespace EdgeLLM.Tui.Chat;

/// <summary>
/// What the chat screen does, without the screen: the open model, the reply lifecycle (start, stream, stop,
/// finish with its stop reason and figures), model opening and switching, and the settings. Every method is
/// called on the UI thread; replies and model loads run on worker tasks, which stream text into the turn there
/// and report back through <see cref="IChatView.Post"/> (at most one transcript refresh queued at a time).
/// </summary>
internal sealed class ChatController : IDisposable
{
    private readonly IChatView view;
    private readonly ChatAppOptions options;
    private TuiSettings settings;
    private IChatSession? session;
    private string? sessionFolder;
    private CancellationTokenSource? generation;
    private Task? runningReply;
    private bool loading;
    private bool resetWhenStopped;
    private StatusFigures figures = new();
    private int refreshQueued;

    /// <summary>Reads the settings file (a broken one is set aside: <see cref="SettingsProblem"/> says so).</summary>
    public ChatController(IChatView view, ChatAppOptions options)
    {
        this.view = view;
        this.options = options;
        settings = SettingsFile.LoadOrDefaults(options.SettingsPath, out string? problem);
        SettingsProblem = problem;
        Transcript.Notice = "Welcome to EdgeLLM. F1 lists the keys.";
    }

    public ChatTranscript Transcript { get; } = new();

    /// <summary>Why the settings file was not read (the defaults are used); null when it was read or absent.</summary>
    public string? SettingsProblem { get; }

    public TuiSettings Settings => settings;

    public bool IsGenerating => generation is not null;

    public bool IsLoading => loading;

    /// <summary>The folder of the open model; null before one is open.</summary>
    public string? ModelFolder => sessionFolder;

    /// <summary>The open model's name; null before one is open.</summary>
    public string? ModelName => session?.ModelName;

    /// <summary>The last reply that returned (finished, stopped or cut short); null before one has.</summary>
    public ChatReply? LastReply { get; private set; }

    /// <summary>
    /// Starts a reply to <paramref name="message"/>; false (the message stays in the box) when none can start now:
    /// a model is loading or none is open (both said through <see cref="IChatView.ShowError"/>), or a reply is running.
    /// </summary>
    public bool Send(string message)
    {
        if (loading)
        {
            view.ShowError("The model is still loading: send the message when it is ready.");
            return false;
        }

        if (session is null)
        {
            view.ShowError("No model is open: press F3 to pick one.");
            return false;
        }

        if (generation is not null)
        {
            // One reply at a time: Esc stops the running one.
            return false;
        }

        IChatSession active = session;
        ConversationTurn turn = Transcript.Begin(message);
        ChatSettings request = settings.Chat;
        var cancellation = new CancellationTokenSource();
        generation = cancellation;
        figures = figures with { Activity = "generating (Esc stops)" };
        RefreshStatus();
        view.ReplyStarted();

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
            finished => view.Post(() => Finish(turn, finished, cancellation)),
            CancellationToken.None,
            TaskContinuationOptions.None,
            TaskScheduler.Default);
        return true;
    }

    /// <summary>Stops the running reply (Esc): its turn freezes now; the engine stops at its next token and returns what it kept.</summary>
    public void Stop()
    {
        if (generation is { } running)
        {
            Transcript.Turns[^1].Stop();
            running.Cancel();
            view.TranscriptChanged();
        }
    }

    /// <summary>Clears the conversation and the engine's history; during a reply, stops it and clears once it has returned.</summary>
    public void NewChat()
    {
        if (generation is not null)
        {
            // The engine is reset once the reply has returned (see Finish), never under it.
            resetWhenStopped = true;
            Stop();
            return;
        }

        session?.Reset();
        Transcript.Clear();
        Transcript.Notice = session is null ? Transcript.Notice : $"New chat with {session.ModelName}.";
        figures = figures with { ContextUsed = 0 };
        view.TranscriptChanged();
        RefreshStatus();
    }

    /// <summary>True when another model may be opened now (no reply running, no model loading).</summary>
    public bool CanSwitchModel => generation is null && !loading;

    /// <summary>The folder the model picker starts on: the open model's, else the one used last.</summary>
    public string? PreferredModelFolder => sessionFolder ?? settings.LastModel;

    /// <summary>The models found in the search folders; none: the transcript says how to get one.</summary>
    public IReadOnlyList<ModelEntry> FindModels()
    {
        IReadOnlyList<ModelEntry> models = ModelCatalog.Find(options.ModelSearchFolders);
        if (models.Count == 0)
        {
            Transcript.Clear();
            Transcript.Notice = ModelCatalog.HowToGetOne(options.ModelSearchFolders);
            view.TranscriptChanged();
        }

        return models;
    }

    /// <summary>The picker was closed without a choice.</summary>
    public void NoModelChosen()
    {
        if (session is null)
        {
            Transcript.Notice = "No model is open. Press F3 to pick one, F1 for the keys.";
            view.TranscriptChanged();
        }
    }

    /// <summary>Opens <paramref name="folder"/> on a worker task; once open it replaces the open model (the chat starts anew).</summary>
    public void OpenModel(string folder)
    {
        string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)));
        loading = true;
        figures = figures with { Activity = $"loading {name}" };
        RefreshStatus();
        SessionSettings sessionSettings = options.SessionSettings with { ContextLength = settings.ContextLength };
        var notices = new ConcurrentQueue<string>();
        Task.Run(() => options.OpenSession(folder, sessionSettings, notices.Enqueue)).ContinueWith(
            opened => view.Post(() => Opened(folder, name, opened, notices)),
            CancellationToken.None,
            TaskContinuationOptions.None,
            TaskScheduler.Default);
    }

    /// <summary>
    /// Keeps <paramref name="edited"/> (the next reply is sent with it) and saves it; a new context length reopens
    /// the open model when no reply is running.
    /// </summary>
    public void ApplySettings(TuiSettings edited)
    {
        bool contextChanged = edited.ContextLength != settings.ContextLength;
        settings = edited;
        SaveSettings();
        if (contextChanged && sessionFolder is not null && generation is null)
        {
            OpenModel(sessionFolder);
        }
    }

    /// <summary>Writes the chat as Markdown into the transcript folder; its path, or null when there was nothing to save or it failed (said through the view).</summary>
    public string? SaveTranscript(DateTimeOffset now)
    {
        if (Transcript.Turns.Count == 0)
        {
            view.ShowError("There is nothing to save yet.");
            return null;
        }

        try
        {
            return MarkdownTranscript.Save(Transcript, session?.ModelName ?? "EdgeLLM", options.TranscriptFolder, now);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            view.ShowError(ErrorText.OneSentence(exception, "save the chat"));
            return null;
        }
    }

    /// <summary>What `edgellm devices` shows; null when it could not be read (said through the view).</summary>
    public string? DescribeDevice()
    {
        if (options.DescribeDevice is not { } describe)
        {
            return "Device detection is not available in this build.";
        }

        try
        {
            return describe();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or EdgeLlmException)
        {
            view.ShowError(ErrorText.OneSentence(exception, "read the device information"));
            return null;
        }
    }

    /// <summary>Shows <paramref name="activity"/> in the status line until the next change of activity.</summary>
    public void ShowActivity(string activity)
    {
        figures = figures with { Activity = activity };
        RefreshStatus();
    }

    /// <summary>Reads the resident memory and the context used again and shows the figures.</summary>
    public void RefreshStatus()
    {
        figures = figures with
        {
            ResidentBytes = ProcessMemory.ResidentBytes(),
            ContextUsed = session?.ContextUsed ?? figures.ContextUsed,
        };
        view.ShowStatus(figures);
    }

    /// <summary>Stops a running reply, waits for it to return, then closes the model.</summary>
    public void Dispose()
    {
        generation?.Cancel();
        WaitForReplyToEnd();
        session?.Dispose();
        session = null;
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

    /// <summary>On the generation thread: keep the text, ask the UI thread for one refresh.</summary>
    private void OnStreamed(ConversationTurn turn, ChatStreamEvent piece)
    {
        if (turn.Append(piece) && Interlocked.Exchange(ref refreshQueued, 1) == 0)
        {
            view.Post(() =>
            {
                Volatile.Write(ref refreshQueued, 0);
                view.TranscriptChanged();
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
            LastReply = reply;
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
                view.ShowError("The conversation is full: start a new chat (Ctrl+N) or raise the context in Settings (F2).");
            }
        }
        else if (finished.Exception?.GetBaseException() is { } failure and not OperationCanceledException)
        {
            string sentence = ErrorText.OneSentence(failure, "generate a reply");
            turn.Fail("error");
            view.ShowError(sentence);
        }
        else
        {
            turn.Stop();
        }

        view.TranscriptChanged();
        RefreshStatus();
        if (resetWhenStopped)
        {
            resetWhenStopped = false;
            NewChat();
        }
    }

    private void Opened(string folder, string name, Task<IChatSession> opened, IEnumerable<string> notices)
    {
        loading = false;
        figures = figures with { Activity = null };
        if (!opened.IsCompletedSuccessfully)
        {
            Exception failure = opened.Exception?.GetBaseException() ?? new InvalidOperationException("the model did not open");
            RefreshStatus();
            view.ShowError(ErrorText.OneSentence(failure, $"load the model {name}"));
            return;
        }

        session?.Dispose();
        session = opened.Result;
        sessionFolder = folder;
        Transcript.Clear();
        Transcript.Notice = $"{session.ModelName} is ready ({session.Precision}, {session.ExecutionProvider}). Type a message and press Enter."
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
        view.TranscriptChanged();
        RefreshStatus();
    }

    private void SaveSettings()
    {
        try
        {
            SettingsFile.Save(options.SettingsPath, settings);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // EdgeLlmException (an IOException) too: a value out of range is never written.
            view.ShowError($"Settings could not be saved to {options.SettingsPath}: {exception.Message}");
        }
    }
}

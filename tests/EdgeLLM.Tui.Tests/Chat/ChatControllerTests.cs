using EdgeLLM.Runtime.Chat;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Tests.Shared;
using EdgeLLM.Tui.Chat;
using EdgeLLM.Tui.Conversation;
using EdgeLLM.Tui.Settings;
using EdgeLLM.Tui.Status;
using EdgeLLM.Tui.Tests.Harness;

namespace EdgeLLM.Tui.Tests.Chat;

/// <summary>
/// The controller without a terminal, on the real engine: tiny synthetic R1-Qwen2 models converted to int4, greedy.
/// The test's thread plays the UI thread (<see cref="PumpedChatView"/>). In the UI collection: these run the engine
/// flat out, and the UI tests' waits should not share the cores with them.
/// </summary>
[Collection(UiCollection.Name)]
public sealed class ChatControllerTests : IClassFixture<TinyModelPair>, IDisposable
{
    private readonly TinyModelPair models;
    private readonly TempFolder temp = TestPaths.CreateTemp(nameof(ChatControllerTests));
    private readonly List<IChatSession> opened = [];

    public ChatControllerTests(TinyModelPair models)
    {
        this.models = models;
    }

    private string SettingsPath => Path.Combine(temp.Path, "settings.json");

    public void Dispose() => temp.Dispose();

    [Fact]
    public void AReplyStreamsItsPiecesAndEndsWithItsStopReasonAndFigures()
    {
        SaveSettings(new ChatSettings { Temperature = 0, MaxTokens = 6, Think = ThinkMode.Off });
        (PumpedChatView view, ChatController controller) = Start(models.First);
        using (controller)
        {
            IChatSession session = Assert.Single(opened);

            Assert.True(controller.Send("hi"));
            Assert.True(controller.IsGenerating);
            Assert.Equal("generating (Esc stops)", view.Status!.Activity);
            view.PumpUntil(() => !controller.IsGenerating, "the reply finished");

            ChatReply reply = controller.LastReply!;
            TurnSnapshot turn = controller.Transcript.Turns[0].Snapshot();
            Assert.Equal(StopReason.MaxTokens, reply.Generation.StopReason);
            Assert.Equal(6, reply.Generation.Tokens.Count);
            Assert.Equal(TurnState.Finished, turn.State);
            Assert.Equal("max tokens reached", turn.Note);
            Assert.Equal("hi", turn.UserMessage);
            Assert.Equal(reply.Answer, turn.Answer);
            Assert.Equal(session.History[^1].Content, turn.Answer);
            Assert.NotEmpty(turn.Answer);

            // Text reached the view while the reply was still streaming, and grew from there to the whole answer.
            TurnSnapshot streaming = view.Refreshes.First();
            Assert.Equal(TurnState.Streaming, streaming.State);
            Assert.NotEmpty(streaming.Answer);
            Assert.StartsWith(streaming.Answer, turn.Answer, StringComparison.Ordinal);
            Assert.Equal(TurnState.Finished, view.Refreshes[^1].State);

            // The status line: which model and engine ran, the reply's own speed figures, the context it left.
            StatusFigures figures = view.Status!;
            Assert.Null(figures.Activity);
            Assert.Equal("tiny-a", figures.ModelName);
            Assert.Equal("int4", figures.Precision);
            Assert.Equal(session.Engine, figures.Engine);
            Assert.Equal(session.ExecutionProvider, figures.ExecutionProvider);
            Assert.Equal(session.Threads, figures.Threads);
            Assert.Equal(4096, figures.ContextLength);
            Assert.Equal(reply.Generation.PrefillTokensPerSecond, figures.PrefillTokensPerSecond);
            Assert.Equal(reply.Generation.DecodeTokensPerSecond, figures.DecodeTokensPerSecond);
            Assert.True(figures.DecodeTokensPerSecond > 0);
            Assert.Equal(reply.ContextUsed, figures.ContextUsed);
            Assert.Equal(session.ContextUsed, figures.ContextUsed);
            // The prompt and every generated token but the last, which ended the reply before it was fed.
            Assert.Equal(reply.PromptIds.Count + 5, reply.ContextUsed);
            Assert.True(figures.ResidentBytes > 0);
            Assert.Empty(view.Errors);
        }
    }

    [Fact]
    public void StopEndsAReplyKeepingWhatWasShownAndTheNextReplyRuns()
    {
        SaveSettings(new ChatSettings { Temperature = 0, MaxTokens = 4000, Think = ThinkMode.Off });
        (PumpedChatView view, ChatController controller) = Start(models.First);
        using (controller)
        {
            IChatSession session = Assert.Single(opened);
            Assert.True(controller.Send("tell me a long story"));
            view.PumpUntil(() => view.Refreshes.Count > 0, "the first streamed text");
            controller.Stop();
            TurnSnapshot frozen = controller.Transcript.Turns[0].Snapshot();
            view.PumpUntil(() => !controller.IsGenerating, "the stopped reply returned");

            ChatReply stopped = controller.LastReply!;
            TurnSnapshot turn = controller.Transcript.Turns[0].Snapshot();
            Assert.Equal(StopReason.Cancelled, stopped.Generation.StopReason);
            Assert.InRange(stopped.Generation.Tokens.Count, 1, 3999);
            Assert.Equal(TurnState.Stopped, turn.State);
            Assert.Equal("stopped", turn.Note);
            // Frozen at Stop: nothing the engine wrote after it reached the turn; the history keeps what it wrote.
            Assert.Equal(frozen.Answer, turn.Answer);
            Assert.StartsWith(turn.Answer, stopped.Answer, StringComparison.Ordinal);
            Assert.Equal(stopped.Answer, session.History[^1].Content);
            Assert.Equal(stopped.ContextUsed, view.Status!.ContextUsed);
            Assert.Null(view.Status.Activity);

            // A second Send while the first runs is refused; after the stop, the next reply starts and finishes.
            controller.ApplySettings(controller.Settings with { Chat = controller.Settings.Chat with { MaxTokens = 3 } });
            Assert.True(controller.Send("shorter, please"));
            Assert.False(controller.Send("and another"));
            view.PumpUntil(() => !controller.IsGenerating, "the next reply finished");
            Assert.Equal(2, controller.Transcript.Turns.Count);
            Assert.Equal(TurnState.Finished, controller.Transcript.Turns[1].Snapshot().State);
            Assert.Equal(StopReason.MaxTokens, controller.LastReply!.Generation.StopReason);
            Assert.Equal(4, session.History.Count);
            Assert.Empty(view.Errors);
        }
    }

    [Fact]
    public void OpeningASecondModelReplacesTheFirst()
    {
        SaveSettings(new ChatSettings { Temperature = 0, MaxTokens = 4, Think = ThinkMode.Off });
        (PumpedChatView view, ChatController controller) = Start(models.First);
        using (controller)
        {
            Assert.True(controller.Send("hi"));
            view.PumpUntil(() => !controller.IsGenerating, "the reply finished");
            Assert.Single(controller.Transcript.Turns);

            Assert.True(controller.CanSwitchModel);
            controller.OpenModel(models.Second);
            Assert.True(controller.IsLoading);
            Assert.False(controller.CanSwitchModel);
            Assert.Equal("loading tiny-b", view.Status!.Activity);
            Assert.False(controller.Send("too early"));
            Assert.Equal("The model is still loading: send the message when it is ready.", Assert.Single(view.Errors));
            view.PumpUntil(() => !controller.IsLoading, "the second model open");

            Assert.Equal(2, opened.Count);
            Assert.Equal(models.Second, controller.ModelFolder);
            Assert.Equal("tiny-b", controller.ModelName);
            Assert.Equal("tiny-b", view.Status!.ModelName);
            Assert.Null(view.Status.Activity);
            Assert.Equal(0, view.Status.ContextUsed);
            Assert.Empty(controller.Transcript.Turns);
            Assert.StartsWith("tiny-b is ready (int4, ", controller.Transcript.Notice, StringComparison.Ordinal);
            Assert.Equal(models.Second, SettingsFile.Load(SettingsPath).LastModel);
            Assert.Equal(models.Second, controller.PreferredModelFolder);

            // The second model answers; the first one's conversation is not carried over.
            Assert.True(controller.Send("hi"));
            view.PumpUntil(() => !controller.IsGenerating, "the second model's reply");
            Assert.Equal(2, opened[1].History.Count);
            Assert.Equal(opened[1].ContextUsed, view.Status.ContextUsed);
            Assert.Equal(controller.LastReply!.PromptIds.Count + 3, opened[1].ContextUsed);
            Assert.Single(view.Errors);
        }
    }

    [Fact]
    public void ChangedSettingsApplyToTheNextReplyAndANewContextReopensTheModel()
    {
        SaveSettings(new ChatSettings { Temperature = 0, MaxTokens = 2, Think = ThinkMode.Off });
        (PumpedChatView view, ChatController controller) = Start(models.First);
        using (controller)
        {
            Assert.True(controller.Send("hi"));
            view.PumpUntil(() => !controller.IsGenerating, "the first reply");
            Assert.Equal(2, controller.LastReply!.Generation.Tokens.Count);

            controller.ApplySettings(controller.Settings with { Chat = controller.Settings.Chat with { MaxTokens = 5 } });
            Assert.False(controller.IsLoading);
            Assert.Equal(5, SettingsFile.Load(SettingsPath).Chat.MaxTokens);
            Assert.True(controller.Send("again"));
            view.PumpUntil(() => !controller.IsGenerating, "the second reply");
            Assert.Equal(5, controller.LastReply!.Generation.Tokens.Count);
            Assert.Equal(StopReason.MaxTokens, controller.LastReply.Generation.StopReason);
            Assert.Single(opened);

            // A new context length reopens the open model with it (the chat starts anew).
            controller.ApplySettings(controller.Settings with { ContextLength = 64 });
            Assert.True(controller.IsLoading);
            view.PumpUntil(() => !controller.IsLoading, "the model reopened");
            Assert.Equal(2, opened.Count);
            Assert.Equal(64, opened[1].ContextLength);
            Assert.Equal(64, view.Status!.ContextLength);
            Assert.Equal(models.First, controller.ModelFolder);
            Assert.Empty(controller.Transcript.Turns);
            Assert.Equal(64, SettingsFile.Load(SettingsPath).ContextLength);
            Assert.Empty(view.Errors);
        }
    }

    [Fact]
    public void SendingWithNoModelOpenSaysHowToPickOne()
    {
        var view = new PumpedChatView();
        using var controller = new ChatController(view, Options(openAtStart: null));

        Assert.False(controller.Send("hello?"));
        Assert.Equal("No model is open: press F3 to pick one.", Assert.Single(view.Errors));
        Assert.Empty(controller.Transcript.Turns);
        Assert.Equal(2, controller.FindModels().Count);
    }

    [Fact]
    public void NothingInTheChatFolderTakesOrHoldsATerminalGuiType()
    {
        System.Reflection.Assembly terminalGui = typeof(Terminal.Gui.App.IApplication).Assembly;
        const System.Reflection.BindingFlags everything = System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic
            | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.DeclaredOnly;
        Type[] chatTypes = typeof(ChatController).Assembly.GetTypes().Where(type => type.Namespace == typeof(ChatController).Namespace).ToArray();
        Assert.Contains(typeof(ChatController), chatTypes);
        Assert.Contains(typeof(IChatView), chatTypes);

        var used = new List<(string Member, Type Type)>();
        foreach (Type type in chatTypes)
        {
            used.AddRange(type.GetInterfaces().Select(face => (type.Name, face)));
            used.AddRange(type.GetFields(everything).Select(field => ($"{type.Name}.{field.Name}", field.FieldType)));
            used.AddRange(type.GetProperties(everything).Select(property => ($"{type.Name}.{property.Name}", property.PropertyType)));
            foreach (System.Reflection.MethodBase method in type.GetMethods(everything).Cast<System.Reflection.MethodBase>().Concat(type.GetConstructors(everything)))
            {
                used.AddRange(method.GetParameters().Select(parameter => ($"{type.Name}.{method.Name}({parameter.Name})", parameter.ParameterType)));
                used.AddRange((method.GetMethodBody()?.LocalVariables ?? []).Select(local => ($"{type.Name}.{method.Name} local", local.LocalType)));
                if (method is System.Reflection.MethodInfo info)
                {
                    used.Add(($"{type.Name}.{method.Name} returns", info.ReturnType));
                }
            }
        }

        bool FromTerminalGui(Type type) => type.Assembly == terminalGui
            || (type.HasElementType && FromTerminalGui(type.GetElementType()!))
            || (type.IsGenericType && type.GetGenericArguments().Any(FromTerminalGui));
        Assert.DoesNotContain(used, use => FromTerminalGui(use.Type));
        Assert.True(used.Count > 40, $"{used.Count} uses checked");
    }

    private void SaveSettings(ChatSettings chat) => SettingsFile.Save(SettingsPath, new TuiSettings { Chat = chat });

    private (PumpedChatView View, ChatController Controller) Start(string model)
    {
        var view = new PumpedChatView();
        var controller = new ChatController(view, Options(model));
        view.Transcript = controller.Transcript;
        Assert.Null(controller.SettingsProblem);
        controller.OpenModel(model);
        view.PumpUntil(() => !controller.IsLoading, "the model open");
        Assert.Equal(model, controller.ModelFolder);
        return (view, controller);
    }

    private ChatAppOptions Options(string? openAtStart) => new()
    {
        OpenSession = (folder, settings, notice) =>
        {
            ChatSession session = ChatSession.Open(folder, settings, notice);
            opened.Add(session);
            return session;
        },
        ModelFolder = openAtStart,
        ModelSearchFolders = [models.ModelsFolder],
        SettingsPath = SettingsPath,
        TranscriptFolder = Path.Combine(temp.Path, "transcripts"),
    };
}

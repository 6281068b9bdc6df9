using EdgeLLM.Format;
using EdgeLLM.Runtime.Chat;
using EdgeLLM.Tui.Conversation;
using EdgeLLM.Tui.Settings;
using EdgeLLM.Tui.Tests.Harness;
using Terminal.Gui.Input;

namespace EdgeLLM.Tui.Tests;

/// <summary>The chat window at 80×24 on the headless driver, driven by keys, asserted on rendered cells.</summary>
[Collection(UiCollection.Name)]
public sealed class ChatWindowTests
{
    private static readonly ChatStreamEvent[] ReasonedReply =
    [
        new(ReplyPart.Reasoning, "The user greets me. "),
        new(ReplyPart.Reasoning, "I should greet back."),
        new(ReplyPart.Answer, "Hello! "),
        new(ReplyPart.Answer, "How can I help "),
        new(ReplyPart.Answer, "you today?"),
    ];

    [Fact]
    public void StreamedAnswerIsShownWithTheReasoningCollapsedAboveIt()
    {
        using var fixture = new ChatFixture();
        var session = new ScriptedChatSession(ReasonedReply, TimeSpan.FromMilliseconds(5));
        using ChatScreen screen = ChatScreen.StartReady(fixture.Options(session));

        screen.Type("hi there");
        screen.Press(Key.Enter);
        string[] rows = screen.WaitForText("Hello! How can I help you today?");
        rows = screen.WaitFor(screen => !screen.Any(row => row.Contains("generating", StringComparison.Ordinal)), "the reply finished");

        int user = Array.FindIndex(rows, row => row.StartsWith("> hi there", StringComparison.Ordinal));
        int header = Array.FindIndex(rows, row => row.StartsWith("[+] Thinking, 8 words (Ctrl+T shows)", StringComparison.Ordinal));
        int answer = Array.FindIndex(rows, row => row.StartsWith("Hello! How can I help you today?", StringComparison.Ordinal));
        Assert.True(user >= 0 && header == user + 1 && answer == header + 1, string.Join('\n', rows));
        Assert.DoesNotContain(rows, row => row.Contains("I should greet back", StringComparison.Ordinal));

        screen.Press(KeyMap.ToggleReasoning);
        rows = screen.WaitForText("The user greets me. I should greet back.");
        Assert.Contains(rows, row => row.StartsWith("[-] Thinking (Ctrl+T hides)", StringComparison.Ordinal));
    }

    [Fact]
    public void EscStopsTheReplyAndKeepsWhatWasWritten()
    {
        using var fixture = new ChatFixture();
        var gate = new SemaphoreSlim(0);
        var session = new ScriptedChatSession(
            [new(ReplyPart.Answer, "First words"), new(ReplyPart.Answer, " never shown")],
            TimeSpan.Zero)
        { Gate = gate };
        using ChatScreen screen = ChatScreen.StartReady(fixture.Options(session));

        screen.Type("tell me");
        screen.Press(Key.Enter);
        screen.WaitForText("First words");
        Assert.True(screen.OnUiThread(() => screen.Window.IsGenerating));

        screen.Press(Key.Esc);
        string[] rows = screen.WaitForText("[stopped]");
        screen.WaitUntilIdle();
        gate.Release(10);
        rows = screen.Capture();

        Assert.True(session.SawCancellation);
        Assert.Equal(1, session.StreamedPieces);
        Assert.Contains(rows, row => row.StartsWith("First words", StringComparison.Ordinal));
        Assert.DoesNotContain(rows, row => row.Contains("never shown", StringComparison.Ordinal));
        // Esc stopped the reply; it did not quit the app.
        Assert.Contains(rows, row => row.StartsWith("> tell me", StringComparison.Ordinal));
    }

    [Fact]
    public void SettingsDialogChangesTheTemperatureOfTheNextRequest()
    {
        using var fixture = new ChatFixture();
        var session = new ScriptedChatSession([new(ReplyPart.Answer, "ok")], TimeSpan.Zero);
        using ChatScreen screen = ChatScreen.StartReady(fixture.Options(session));

        screen.Press(KeyMap.Settings);
        screen.WaitForText("Temperature");
        // Focus starts on the system prompt; Tab moves to the temperature field.
        screen.Press(Key.Tab);
        screen.Type("0.25");
        string[] dialog = screen.WaitForText("0.25");
        Assert.Contains(dialog, row => row.Contains("Temperature", StringComparison.Ordinal) && row.Contains("0.25", StringComparison.Ordinal));
        screen.Press(Key.Enter);
        screen.WaitFor(rows => !rows.Any(row => row.Contains("Temperature", StringComparison.Ordinal)), "the dialog closed");

        screen.Type("again");
        screen.Press(Key.Enter);
        screen.WaitForText("ok");
        screen.WaitFor(_ => session.Requests.Count == 1, "one request");

        Assert.Equal(0.25, session.Requests[0].Temperature);
        Assert.Contains("\"temperature\": 0.25", File.ReadAllText(fixture.SettingsPath), StringComparison.Ordinal);
    }

    [Fact]
    public void StatusLineShowsModelSpeedContextAndMemoryAfterAReply()
    {
        using var fixture = new ChatFixture();
        var session = new ScriptedChatSession(ReasonedReply, TimeSpan.Zero);
        using ChatScreen screen = ChatScreen.Start(fixture.Options(session));
        string[] rows = screen.WaitForText("scripted-model is ready");
        Assert.StartsWith("scripted-model int4 | CPU ORT 4t | ctx 0/2048 | ", rows[0], StringComparison.Ordinal);
        Assert.DoesNotContain("tok/s", rows[0], StringComparison.Ordinal);

        screen.Type("hi");
        screen.Press(Key.Enter);
        rows = screen.WaitFor(screen => screen[0].Contains("tok/s", StringComparison.Ordinal), "speed in the status line");

        // Scripted figures: 12 prompt tokens in 0.5 s; 4 tokens after the first in 0.25 s; 12 + 5 tokens cached.
        Assert.StartsWith("scripted-model int4 | CPU ORT 4t | 24/16.0 tok/s | ctx 17/2048 | ", rows[0], StringComparison.Ordinal);
        Assert.Matches(@"\| \d+ MiB", rows[0]);
    }

    [Fact]
    public void WithoutAModelArgumentTheFoundModelsAreOfferedAndThePickedOneOpens()
    {
        using var fixture = new ChatFixture();
        var session = new ScriptedChatSession([new(ReplyPart.Answer, "ok")], TimeSpan.Zero);
        using ChatScreen screen = ChatScreen.Start(fixture.Options(session, openModelAtStart: false));

        screen.WaitForText("Pick a model");
        screen.WaitForText("scripted-model  (");
        screen.Press(Key.Enter);
        screen.WaitForText("scripted-model is ready");

        Assert.Equal(fixture.ModelFolder, Assert.Single(fixture.Opened).Folder);
        Assert.Contains(fixture.ModelFolder, File.ReadAllText(fixture.SettingsPath), StringComparison.Ordinal);
    }

    [Fact]
    public void WithNoModelFoundTheWindowExplainsHowToGetOne()
    {
        using var fixture = new ChatFixture();
        Directory.Delete(fixture.ModelFolder, recursive: true);
        var session = new ScriptedChatSession([], TimeSpan.Zero);
        using ChatScreen screen = ChatScreen.Start(fixture.Options(session, openModelAtStart: false));

        string[] rows = screen.WaitForText("No model found.");
        Assert.Contains(rows, row => row.Contains("edgellm quantize <hf-dir> -o ~/.edgellm/models/<name> --precision int4", StringComparison.Ordinal));
        Assert.Contains(rows, row => row.Contains("edgellm synth --shape tiny-r1-qwen2", StringComparison.Ordinal));
        Assert.Empty(fixture.Opened);
    }

    [Fact]
    public void AModelThatFailsToLoadShowsOneSentenceInADialog()
    {
        using var fixture = new ChatFixture();
        ChatAppOptions options = fixture.Options(new ScriptedChatSession([], TimeSpan.Zero)) with
        {
            OpenSession = (folder, _, _) => throw new EdgeLlmException($"{folder}/edgellm.json: manifest is truncated"),
        };
        using ChatScreen screen = ChatScreen.Start(options);

        string[] rows = screen.WaitForText("Could not load the model scripted-model:");
        Assert.Contains(rows, row => row.Contains("Error", StringComparison.Ordinal));
        Assert.StartsWith("no model | ", rows[0], StringComparison.Ordinal);
        Assert.Contains(rows, row => row.Contains("manifest is truncated.", StringComparison.Ordinal));
        Assert.Empty(fixture.Opened.Skip(1));
    }

    [Fact]
    public void AModelThePlannerRefusesShowsItsRefusalInOneSentence()
    {
        using var fixture = new ChatFixture();
        const string refusal = "scripted-model needs 5.1 GB at context 4096, 3.0 GB available (3.5 GB free RAM minus 512 MB headroom): use --context 1024";
        ChatAppOptions options = fixture.Options(new ScriptedChatSession([], TimeSpan.Zero)) with
        {
            // What the memory planner throws when the model cannot fit (MemoryPlan.EnsureFits).
            OpenSession = (_, _, _) => throw new InsufficientMemoryException(refusal),
        };
        using ChatScreen screen = ChatScreen.Start(options);

        string[] rows = screen.WaitForText("Not enough memory to load the model");
        string dialog = string.Join(' ', rows.Select(row => row.Trim(' ', '│', '┃', '║')));
        Assert.Contains("scripted-model needs 5.1 GB at context 4096,", dialog, StringComparison.Ordinal);
        Assert.Contains("use --context 1024.", dialog, StringComparison.Ordinal);
        Assert.StartsWith("no model | ", rows[0], StringComparison.Ordinal);
    }

    [Fact]
    public void HelpListsEveryKeyAndDeviceInfoShowsTheDeviceReport()
    {
        foreach (Key key in (Key[])[KeyMap.Help, KeyMap.Settings, KeyMap.SwitchModel, KeyMap.DeviceInfo, KeyMap.NewChat, KeyMap.SaveTranscript, KeyMap.ToggleReasoning, KeyMap.Quit, KeyMap.Stop])
        {
            Assert.Contains(key + " ", KeyMap.HelpText, StringComparison.Ordinal);
        }

        using var fixture = new ChatFixture();
        ChatAppOptions options = fixture.Options(new ScriptedChatSession([], TimeSpan.Zero)) with
        {
            DescribeDevice = () => "machine      Linux x64\nprofile      x64-laptop (4 cores)",
        };
        using ChatScreen screen = ChatScreen.StartReady(options);

        screen.Press(KeyMap.Help);
        string[] help = screen.WaitForText("Enter              send the message");
        Assert.Contains(help, row => row.Contains("Ctrl+J, Alt+Enter  new line in the message", StringComparison.Ordinal));
        Assert.Contains(help, row => row.Contains("Esc                stop the reply", StringComparison.Ordinal));
        screen.Press(Key.Esc);
        screen.WaitFor(rows => !rows.Any(row => row.Contains("send the message", StringComparison.Ordinal)), "the help closed");

        screen.Press(KeyMap.DeviceInfo);
        string[] device = screen.WaitForText("profile      x64-laptop (4 cores)");
        Assert.Contains(device, row => row.Contains("machine      Linux x64", StringComparison.Ordinal));
    }

    [Fact]
    public void AMessageSentWhileTheModelLoadsStaysInTheBoxUntilItCanBeSent()
    {
        using var fixture = new ChatFixture();
        using var loaded = new ManualResetEventSlim();
        var session = new ScriptedChatSession([new(ReplyPart.Answer, "ready now")], TimeSpan.Zero);
        ChatAppOptions options = fixture.Options(session) with
        {
            OpenSession = (_, _, _) =>
            {
                loaded.Wait(TimeSpan.FromSeconds(30));
                return session;
            },
        };
        using ChatScreen screen = ChatScreen.Start(options);
        screen.WaitForText("loading scripted-model");

        screen.Type("early question");
        screen.Press(Key.Enter);
        screen.WaitForText("The model is still loading: send the message when it is ready.");
        screen.Press(Key.Enter);
        screen.WaitFor(rows => !rows.Any(row => row.Contains("still loading", StringComparison.Ordinal)), "the dialog closed");
        Assert.Equal("early question", screen.OnUiThread(() => screen.Window.Prompt.Text));
        Assert.Empty(session.Requests);

        loaded.Set();
        screen.WaitForText("scripted-model is ready");
        screen.Press(Key.Enter);
        screen.WaitForText("ready now");
        Assert.Single(session.Requests);
        Assert.Empty(screen.OnUiThread(() => screen.Window.Prompt.Text));
    }

    [Fact]
    public void CtrlJInsertsANewLineAndUpRecallsTheLastMessage()
    {
        using var fixture = new ChatFixture();
        var session = new ScriptedChatSession([new(ReplyPart.Answer, "noted")], TimeSpan.Zero);
        using ChatScreen screen = ChatScreen.StartReady(fixture.Options(session));

        screen.Type("first line");
        // What a terminal's Ctrl+J arrives as through the ANSI driver.
        screen.Press(Key.Enter.WithCtrl);
        screen.Type("second line");
        screen.Press(Key.Enter);
        string[] rows = screen.WaitForText("noted");
        int first = Array.FindIndex(rows, row => row.StartsWith("> first line", StringComparison.Ordinal));
        Assert.True(first >= 0 && rows[first + 1].StartsWith("  second line", StringComparison.Ordinal), string.Join('\n', rows));
        screen.WaitUntilIdle();

        screen.Press(Key.CursorUp);
        screen.WaitFor(_ => screen.OnUiThread(() => screen.Window.Prompt.Text) == "first line\nsecond line", "the last message back in the box");
        screen.Press(Key.CursorDown);
        screen.Press(Key.CursorDown);
        screen.WaitFor(_ => screen.OnUiThread(() => screen.Window.Prompt.Text).Length == 0, "the empty draft back in the box");
    }

    [Fact]
    public void AFullContextIsReportedInOneSentence()
    {
        using var fixture = new ChatFixture();
        var session = new ScriptedChatSession([new(ReplyPart.Answer, "partial")], TimeSpan.Zero)
        {
            Failure = new Runtime.Generation.ContextFullException(2040, 30, 2048),
        };
        using ChatScreen screen = ChatScreen.StartReady(fixture.Options(session));

        screen.Type("one more");
        screen.Press(Key.Enter);
        string[] rows = screen.WaitForText("The conversation is full (2040 of 2048 tokens):");
        Assert.Contains(rows, row => row.Contains("start a new chat (Ctrl+N)", StringComparison.Ordinal));
    }

    [Fact]
    public void CtrlSSavesTheChatAsMarkdown()
    {
        using var fixture = new ChatFixture();
        var session = new ScriptedChatSession(ReasonedReply, TimeSpan.Zero);
        using ChatScreen screen = ChatScreen.StartReady(fixture.Options(session));
        screen.Type("hi");
        screen.Press(Key.Enter);
        screen.WaitForText("Hello! How can I help you today?");
        screen.WaitUntilIdle();

        screen.Press(KeyMap.SaveTranscript);
        screen.WaitForText("The chat was saved to");

        string saved = Assert.Single(Directory.GetFiles(Path.Combine(fixture.Root, "transcripts"), "*.md"));
        string markdown = File.ReadAllText(saved);
        Assert.Contains("## You\n\nhi\n", markdown, StringComparison.Ordinal);
        Assert.Contains("<details><summary>Reasoning</summary>\n\nThe user greets me. I should greet back.\n\n</details>\n\nHello! How can I help you today?\n", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void ThinkHideShowsOnlyTheAnswer()
    {
        using var fixture = new ChatFixture();
        SettingsFile.Save(fixture.SettingsPath, new TuiSettings { Chat = new() { Think = ThinkMode.Hide } });
        var session = new ScriptedChatSession(ReasonedReply, TimeSpan.Zero);
        using ChatScreen screen = ChatScreen.StartReady(fixture.Options(session));

        screen.Type("hi");
        screen.Press(Key.Enter);
        string[] rows = screen.WaitForText("Hello! How can I help you today?");

        Assert.Equal(ThinkMode.Hide, Assert.Single(session.Requests).Think);
        Assert.DoesNotContain(rows, row => row.Contains("Thinking", StringComparison.Ordinal));
        screen.Press(KeyMap.ToggleReasoning);
        Assert.DoesNotContain(screen.Capture(), row => row.Contains("greet back", StringComparison.Ordinal));
    }

    [Fact]
    public void NewChatDuringAReplyStopsItThenClearsTheConversation()
    {
        using var fixture = new ChatFixture();
        var gate = new SemaphoreSlim(0);
        var session = new ScriptedChatSession([new(ReplyPart.Answer, "Once upon"), new(ReplyPart.Answer, " a time")], TimeSpan.Zero) { Gate = gate };
        using ChatScreen screen = ChatScreen.StartReady(fixture.Options(session));
        screen.Type("story");
        screen.Press(Key.Enter);
        screen.WaitForText("Once upon");

        screen.Press(KeyMap.NewChat);
        string[] rows = screen.WaitForText("New chat with scripted-model.");
        gate.Release(10);

        Assert.True(session.SawCancellation);
        Assert.Empty(session.History);
        Assert.DoesNotContain(rows, row => row.Contains("Once upon", StringComparison.Ordinal));
        Assert.StartsWith("scripted-model int4 | CPU ORT 4t | ", rows[0], StringComparison.Ordinal);
        Assert.Contains("| ctx 0/2048 |", rows[0], StringComparison.Ordinal);
    }

    [Fact]
    public void ArabicIsDrawnWholeRightAlignedAndInReadingOrder()
    {
        using var fixture = new ChatFixture();
        var session = new ScriptedChatSession([new(ReplyPart.Answer, "مرحبا "), new(ReplyPart.Answer, "بك")], TimeSpan.Zero);
        using ChatScreen screen = ChatScreen.StartReady(fixture.Options(session));

        screen.Type("salam");
        screen.Press(Key.Enter);
        string[] rows = screen.WaitForText("كب ابحرم");

        string row = Assert.Single(rows, row => row.Contains("كب ابحرم", StringComparison.Ordinal));
        Assert.EndsWith("كب ابحرم", row.TrimEnd(), StringComparison.Ordinal);
        Assert.StartsWith(new string(' ', 60), row, StringComparison.Ordinal);
    }

    [Fact]
    public void LoaderNoticesAreShownWhenTheModelIsReady()
    {
        using var fixture = new ChatFixture();
        fixture.Notices.Add("context lowered to 2048 tokens to fit 3.1 GB of memory");
        using ChatScreen screen = ChatScreen.Start(fixture.Options(new ScriptedChatSession([], TimeSpan.Zero)));

        string[] rows = screen.WaitForText("scripted-model is ready");
        Assert.Contains(rows, row => row.StartsWith("Note: context lowered to 2048 tokens to fit 3.1 GB of memory", StringComparison.Ordinal));
    }
}

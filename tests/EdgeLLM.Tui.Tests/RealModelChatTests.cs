using EdgeLLM.Format.Providers;
using EdgeLLM.Runtime.Chat;
using EdgeLLM.Tests.Shared;
using EdgeLLM.Tui.Conversation;
using EdgeLLM.Tui.Settings;
using EdgeLLM.Tui.Tests.Harness;
using Terminal.Gui.Input;

namespace EdgeLLM.Tui.Tests;

/// <summary>The window driving the real engine: a tiny synthetic R1-Qwen2 checkpoint converted to an int4 EdgeLLM folder (what `edgellm synth` + `edgellm quantize --precision int4` make).</summary>
[Collection(UiCollection.Name)]
public sealed class RealModelChatTests
{
    [Fact]
    public void ATinyConvertedModelRepliesInTheWindowWithItsFiguresInTheStatusLine()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string models = Path.Combine(temp.Path, "models");
        string model = TinyModel.Create(Path.Combine(models, "tiny-r1-qwen2"), maxContext: 256);

        string settingsPath = Path.Combine(temp.Path, "settings.json");
        SettingsFile.Save(settingsPath, new TuiSettings { Chat = new() { Temperature = 0, MaxTokens = 6 } });
        IChatSession? engine = null;
        var options = new ChatAppOptions
        {
            OpenSession = (folder, settings, notice) => engine = ChatSession.Open(folder, settings, notice),
            ModelFolder = model,
            ModelSearchFolders = [models],
            SettingsPath = settingsPath,
            TranscriptFolder = Path.Combine(temp.Path, "transcripts"),
        };
        using ChatScreen screen = ChatScreen.StartReady(options);

        screen.Type("hi");
        screen.Press(Key.Enter);
        string[] rows = screen.WaitFor(rows => rows[0].Contains("tok/s", StringComparison.Ordinal), "speed in the status line");

        IChatSession session = engine!;
        string threads = session.Threads > 0 ? $" {session.Threads}t" : string.Empty;
        string engineName = session.Engine == "cpu" ? "EdgeLLM" : "ORT";
        Assert.StartsWith($"{session.ModelName} {session.Precision} | {session.ExecutionProvider} {engineName}{threads} | ", rows[0], StringComparison.Ordinal);
        Assert.Contains($"| ctx {session.ContextUsed}/{session.ContextLength} |", rows[0], StringComparison.Ordinal);
        Assert.Equal("int4", session.Precision);
        Assert.InRange(session.ContextUsed, 3, 256);
        Assert.Contains(rows, row => row.StartsWith("> hi", StringComparison.Ordinal));
        TurnSnapshot turn = screen.OnUiThread(() => screen.Window.Transcript.Turns[0].Snapshot());
        Assert.Equal(TurnState.Finished, turn.State);
        Assert.Equal(session.History[^1].Content, turn.Answer);
    }
}

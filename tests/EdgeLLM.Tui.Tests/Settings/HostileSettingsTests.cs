using EdgeLLM.Format;
using EdgeLLM.Runtime.Chat;
using EdgeLLM.Tui.Settings;
using EdgeLLM.Tui.Tests.Harness;
using Terminal.Gui.Input;

namespace EdgeLLM.Tui.Tests.Settings;

/// <summary>
/// Issue 16, item 5: F2 → Temperature NaN crashed the chat (exit 1, conversation lost, settings.json.tmp left);
/// a broken settings.json was overwritten by the defaults; Ctrl-C did nothing useful.
/// </summary>
[Collection(UiCollection.Name)]
public sealed class HostileSettingsTests
{
    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-1")]
    public void ATemperatureOutOfRangeIsRefusedInTheDialogAndNothingIsWritten(string temperature)
    {
        using var fixture = new ChatFixture();
        var session = new ScriptedChatSession([new(ReplyPart.Answer, "ok")], TimeSpan.Zero);
        using ChatScreen screen = ChatScreen.StartReady(fixture.Options(session));
        screen.Type("first");
        screen.Press(Key.Enter);
        screen.WaitForText("ok");
        screen.WaitUntilIdle();
        string before = File.Exists(fixture.SettingsPath) ? File.ReadAllText(fixture.SettingsPath) : string.Empty;

        screen.Press(KeyMap.Settings);
        screen.WaitForText("Temperature");
        screen.Press(Key.Tab);
        screen.Type(temperature);
        screen.Press(Key.Enter);
        string[] rows = screen.WaitForText("Temperature must be a number from 0 to 5");
        Assert.Contains(rows, row => row.Contains(temperature, StringComparison.Ordinal));
        screen.Press(Key.Enter);
        screen.WaitFor(rows => !rows.Any(row => row.Contains("must be a number", StringComparison.Ordinal)), "the error closed");

        Assert.False(screen.HasExited);
        Assert.Contains(screen.Capture(), row => row.StartsWith("> first", StringComparison.Ordinal));
        Assert.Equal(before, File.Exists(fixture.SettingsPath) ? File.ReadAllText(fixture.SettingsPath) : string.Empty);
        Assert.DoesNotContain(Directory.GetFiles(fixture.Root), file => file.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public void SavingAnOutOfRangeValueWritesNothing()
    {
        using var fixture = new ChatFixture();
        SettingsFile.Save(fixture.SettingsPath, new TuiSettings { Chat = new() { Temperature = 0.5 } });
        string before = File.ReadAllText(fixture.SettingsPath);
        EdgeLlmException refused = Assert.Throws<EdgeLlmException>(() => SettingsFile.Save(fixture.SettingsPath, new TuiSettings { Chat = new() { Temperature = double.NaN } }));
        Assert.Equal("settings: temperature must be a number from 0 to 5, not NaN", refused.Message);
        Assert.Equal(before, File.ReadAllText(fixture.SettingsPath));
        Assert.Equal([fixture.SettingsPath], Directory.GetFiles(Path.GetDirectoryName(fixture.SettingsPath)!).Where(file => Path.GetFileName(file).Contains("settings", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("{\"format\": 1, \"temperature\": -3}")]
    [InlineData("{\"format\": 1, \"max_tokens\": 1e30}")]
    public void ABrokenSettingsFileIsKeptAsideAndReported(string broken)
    {
        using var fixture = new ChatFixture();
        File.WriteAllText(fixture.SettingsPath, broken);
        var session = new ScriptedChatSession([new(ReplyPart.Answer, "ok")], TimeSpan.Zero);
        using ChatScreen screen = ChatScreen.Start(fixture.Options(session));
        string[] rows = screen.WaitForText("Settings were not read");
        string text = string.Join(' ', rows.Select(row => row.Trim(' ', '│', '┃', '║')));
        Assert.Contains("settings.json.broken-", text.Replace(" ", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        string aside = Assert.Single(Directory.GetFiles(Path.GetDirectoryName(fixture.SettingsPath)!, "settings.json.broken-*"));
        Assert.Equal(broken, File.ReadAllText(aside));
    }

    [Fact]
    public void CtrlCStopsTheReplyAndASecondCtrlCQuits()
    {
        using var fixture = new ChatFixture();
        var gate = new SemaphoreSlim(0);
        var session = new ScriptedChatSession([new(ReplyPart.Answer, "First words"), new(ReplyPart.Answer, " never shown")], TimeSpan.Zero) { Gate = gate };
        using ChatScreen screen = ChatScreen.StartReady(fixture.Options(session));
        screen.Type("tell me");
        screen.Press(Key.Enter);
        screen.WaitForText("First words");

        screen.Press(Key.C.WithCtrl);
        screen.WaitForText("[stopped]");
        screen.WaitUntilIdle();
        gate.Release(10);
        Assert.True(session.SawCancellation);
        Assert.False(screen.HasExited);

        screen.Press(Key.C.WithCtrl);
        DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!screen.HasExited && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(50);
        }

        Assert.True(screen.HasExited, "a second Ctrl-C quits");
    }
}

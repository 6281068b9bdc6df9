using EdgeLLM.Runtime.Chat;
using EdgeLLM.Tui.Settings;

namespace EdgeLLM.Tui.Tests.Settings;

public sealed class SettingsFileTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "edgellm-settings-" + Guid.NewGuid().ToString("N"));

    private string FilePath => Path.Combine(folder, "nested", "settings.json");

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void AMissingFileGivesTheDefaults()
        => Assert.Equal(new TuiSettings(), SettingsFile.Load(FilePath));

    [Fact]
    public void EverySettingSurvivesARoundTrip()
    {
        var settings = new TuiSettings
        {
            SystemPrompt = "Answer in Arabic: \"مرحبا\"",
            Temperature = 0.6,
            TopP = 0.95,
            MaxTokens = 512,
            Think = ThinkMode.Hide,
            ThinkBudget = 256,
            ContextLength = 4096,
            LastModel = "/models/r1-1.5b-int4",
        };

        SettingsFile.Save(FilePath, settings);

        Assert.Equal(settings, SettingsFile.Load(FilePath));
        Assert.False(File.Exists(FilePath + ".tmp"));
    }

    [Fact]
    public void TheChatSettingsCarryTheEditedValues()
    {
        ChatSettings chat = new TuiSettings { Temperature = 0.25, TopP = 0.9, MaxTokens = 77, Think = ThinkMode.Off, ThinkBudget = 5, SystemPrompt = " " }.ToChatSettings();
        Assert.Equal(0.25, chat.Temperature);
        Assert.Equal(0.9, chat.TopP);
        Assert.Equal(77, chat.MaxTokens);
        Assert.Equal(ThinkMode.Off, chat.Think);
        Assert.Equal(5, chat.ThinkBudget);
        Assert.Null(chat.SystemPrompt);
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("[1, 2]")]
    [InlineData("{\"format\": 2}")]
    [InlineData("{\"format\": 1, \"think\": \"maybe\"}")]
    [InlineData("{\"format\": 1, \"temperature\": \"hot\"}")]
    public void ACorruptFileIsAnErrorNamingTheFile(string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        File.WriteAllText(FilePath, content);

        InvalidDataException error = Assert.Throws<InvalidDataException>(() => SettingsFile.Load(FilePath));
        Assert.StartsWith(FilePath + ":", error.Message, StringComparison.Ordinal);
    }
}

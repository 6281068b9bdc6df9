using EdgeLLM.Format;
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
            Chat = new ChatSettings
            {
                SystemPrompt = "Answer in Arabic: \"مرحبا\"",
                Temperature = 0.6,
                TopP = 0.95,
                TopK = 40,
                MinP = 0.05,
                RepetitionPenalty = 1.1,
                Seed = ulong.MaxValue,
                MaxTokens = 512,
                Think = ThinkMode.Hide,
                ThinkBudget = 256,
            },
            ContextLength = 4096,
            LastModel = "/models/r1-1.5b-int4",
        };

        SettingsFile.Save(FilePath, settings);

        Assert.Equal(settings, SettingsFile.Load(FilePath));
        Assert.False(File.Exists(FilePath + ".tmp"));
    }

    /// <summary>The file stays flat, as format 1 always was: the chat settings are mapped to its fields, not nested.</summary>
    [Fact]
    public void AFileInTheFormat1ShapeIsReadIntoTheChatSettingsAndWrittenBackTheSame()
    {
        const string written = """
            {
              "format": 1,
              "system_prompt": "Be brief.",
              "temperature": 0.25,
              "top_p": 0.9,
              "max_tokens": 77,
              "think": "off",
              "think_budget": 5,
              "context": 2048,
              "last_model": "/models/tiny"
            }
            """;
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        File.WriteAllText(FilePath, written);

        TuiSettings loaded = SettingsFile.Load(FilePath);
        ChatSettings chat = loaded.Chat;
        Assert.Equal("Be brief.", chat.SystemPrompt);
        Assert.Equal(0.25, chat.Temperature);
        Assert.Equal(0.9, chat.TopP);
        Assert.Equal(77, chat.MaxTokens);
        Assert.Equal(ThinkMode.Off, chat.Think);
        Assert.Equal(5, chat.ThinkBudget);
        Assert.Null(chat.TopK);
        Assert.Null(chat.MinP);
        Assert.Null(chat.RepetitionPenalty);
        Assert.Null(chat.Seed);
        Assert.Equal(2048, loaded.ContextLength);
        Assert.Equal("/models/tiny", loaded.LastModel);

        SettingsFile.Save(FilePath, loaded);
        Assert.Equal(written.ReplaceLineEndings("\n"), File.ReadAllText(FilePath).ReplaceLineEndings("\n"));
    }

    [Fact]
    public void ABlankSystemPromptIsReadAsNone()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        File.WriteAllText(FilePath, "{\"format\": 1, \"system_prompt\": \"  \", \"max_tokens\": 9}");

        ChatSettings chat = SettingsFile.Load(FilePath).Chat;

        Assert.Null(chat.SystemPrompt);
        Assert.Equal(9, chat.MaxTokens);
    }

    [Theory]
    [InlineData("top_k", "settings: top_k must be 0 (off) or more, not -1")]
    [InlineData("min_p", "settings: min_p must be a number from 0 to 1, not 1.5")]
    [InlineData("repetition_penalty", "settings: repetition_penalty must be a number above 0 (1 is off), not 0")]
    public void ASamplingFieldOutOfRangeIsRefusedAndNothingIsWritten(string field, string message)
    {
        ChatSettings chat = field switch
        {
            "top_k" => new ChatSettings { TopK = -1 },
            "min_p" => new ChatSettings { MinP = 1.5 },
            _ => new ChatSettings { RepetitionPenalty = 0 },
        };

        EdgeLlmException refused = Assert.Throws<EdgeLlmException>(() => SettingsFile.Save(FilePath, new TuiSettings { Chat = chat }));

        Assert.Equal(message, refused.Message);
        Assert.False(File.Exists(FilePath));
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

        EdgeLlmException error = Assert.Throws<EdgeLlmException>(() => SettingsFile.Load(FilePath));
        Assert.StartsWith(FilePath + ":", error.Message, StringComparison.Ordinal);
    }
}

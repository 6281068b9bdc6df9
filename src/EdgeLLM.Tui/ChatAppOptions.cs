using EdgeLLM.Format.Platform;
using EdgeLLM.Runtime.Chat;
using EdgeLLM.Runtime.Model;
using EdgeLLM.Tui.Settings;

namespace EdgeLLM.Tui;

/// <summary>What the chat app needs from its host (the CLI, or a test).</summary>
public sealed record ChatAppOptions
{
    /// <summary>
    /// Opens a model folder (the real engine is plugged in by the CLI); the third argument takes the
    /// loader's notices (e.g. the memory planner shortening the context), shown when the model is ready.
    /// </summary>
    public required Func<string, SessionSettings, Action<string>, IChatSession> OpenSession { get; init; }

    /// <summary>The model to open at start; null: list the models found and let the person pick.</summary>
    public string? ModelFolder { get; init; }

    /// <summary>Folders whose sub-folders holding an edgellm.json are offered as models.</summary>
    public required IReadOnlyList<string> ModelSearchFolders { get; init; }

    public string SettingsPath { get; init; } = SettingsFile.DefaultPath;

    /// <summary>Where Ctrl+S writes transcripts.</summary>
    public string TranscriptFolder { get; init; } = UserFolders.Transcripts();

    /// <summary>What `edgellm devices` shows; null when this build has no device detection.</summary>
    public Func<string>? DescribeDevice { get; init; }

    /// <summary>Execution provider and threads asked of <see cref="OpenSession"/>.</summary>
    public SessionSettings SessionSettings { get; init; } = new();
}

using EdgeLLM.Runtime.Chat;
using EdgeLLM.Runtime.Model;

namespace EdgeLLM.Tui.Tests.Harness;

/// <summary>A temporary home for one UI test: a model folder with an edgellm.json, settings and transcript folders.</summary>
internal sealed class ChatFixture : IDisposable
{
    public ChatFixture()
    {
        Root = Path.Combine(Path.GetTempPath(), "edgellm-tui-" + Guid.NewGuid().ToString("N"));
        ModelsFolder = Path.Combine(Root, "models");
        ModelFolder = Path.Combine(ModelsFolder, "scripted-model");
        Directory.CreateDirectory(ModelFolder);
        File.WriteAllText(Path.Combine(ModelFolder, "edgellm.json"), "{}");
    }

    public string Root { get; }

    public string ModelsFolder { get; }

    public string ModelFolder { get; }

    public string SettingsPath => Path.Combine(Root, "settings.json");

    public List<(string Folder, SessionSettings Settings)> Opened { get; } = [];

    /// <summary>Notices the loader reports while opening (as the memory planner does).</summary>
    public List<string> Notices { get; } = [];

    public ChatAppOptions Options(IChatSession session, bool openModelAtStart = true) => new()
    {
        OpenSession = (folder, settings, notice) =>
        {
            Opened.Add((folder, settings));
            foreach (string line in Notices)
            {
                notice(line);
            }

            return session;
        },
        ModelFolder = openModelAtStart ? ModelFolder : null,
        ModelSearchFolders = [ModelsFolder],
        SettingsPath = SettingsPath,
        TranscriptFolder = Path.Combine(Root, "transcripts"),
    };

    public void Dispose()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}

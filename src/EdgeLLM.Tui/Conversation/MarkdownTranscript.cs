using System.Globalization;
using System.Text;

namespace EdgeLLM.Tui.Conversation;

/// <summary>Writes a conversation as Markdown: one section per message, reasoning in a collapsible details block.</summary>
public static class MarkdownTranscript
{
    public static string Render(ChatTranscript transcript, string modelName, DateTimeOffset savedAt)
    {
        var markdown = new StringBuilder();
        markdown.Append("# EdgeLLM chat: ").Append(modelName).Append('\n').Append('\n');
        markdown.Append("Saved ").Append(savedAt.ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture)).Append('\n');
        foreach (ConversationTurn turn in transcript.Turns)
        {
            TurnSnapshot snapshot = turn.Snapshot();
            markdown.Append('\n').Append("## You").Append('\n').Append('\n').Append(snapshot.UserMessage.Trim()).Append('\n');
            markdown.Append('\n').Append("## ").Append(modelName).Append('\n').Append('\n');
            if (snapshot.Reasoning.Length > 0)
            {
                markdown.Append("<details><summary>Reasoning</summary>").Append('\n').Append('\n');
                markdown.Append(snapshot.Reasoning.Trim()).Append('\n').Append('\n');
                markdown.Append("</details>").Append('\n').Append('\n');
            }

            markdown.Append(snapshot.Answer.Trim()).Append('\n');
            if (snapshot.Note is { } note)
            {
                markdown.Append('\n').Append('_').Append(note).Append('_').Append('\n');
            }
        }

        return markdown.ToString();
    }

    /// <summary>Writes the transcript to a new file in <paramref name="folder"/> (temp file, then rename) and returns its path.</summary>
    public static string Save(ChatTranscript transcript, string modelName, string folder, DateTimeOffset savedAt)
    {
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, $"edgellm-chat-{savedAt:yyyyMMdd-HHmmss}.md");
        string temporary = path + ".tmp";
        File.WriteAllText(temporary, Render(transcript, modelName, savedAt), new UTF8Encoding(false));
        File.Move(temporary, path, overwrite: true);
        return path;
    }
}

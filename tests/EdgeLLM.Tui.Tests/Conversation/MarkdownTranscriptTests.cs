using EdgeLLM.Runtime.Chat;
using EdgeLLM.Tui.Conversation;

namespace EdgeLLM.Tui.Tests.Conversation;

public sealed class MarkdownTranscriptTests
{
    [Fact]
    public void EachTurnBecomesSectionsWithTheReasoningInADetailsBlock()
    {
        var transcript = new ChatTranscript();
        ConversationTurn turn = transcript.Begin("What is 2+2?");
        turn.Append(new ChatStreamEvent(ReplyPart.Reasoning, "Two plus two.\n"));
        turn.Append(new ChatStreamEvent(ReplyPart.Answer, "4"));
        turn.Finish(null);

        string markdown = MarkdownTranscript.Render(transcript, "tiny", new DateTimeOffset(2026, 11, 28, 17, 5, 0, TimeSpan.Zero));

        Assert.Equal(
            "# EdgeLLM chat: tiny\n\nSaved 2026-11-28 17:05 +00:00\n\n## You\n\nWhat is 2+2?\n\n## tiny\n\n" +
            "<details><summary>Reasoning</summary>\n\nTwo plus two.\n\n</details>\n\n4\n",
            markdown);
    }

    [Fact]
    public void SaveWritesANewFileAndLeavesNoTemporaryBehind()
    {
        string folder = Path.Combine(Path.GetTempPath(), "edgellm-md-" + Guid.NewGuid().ToString("N"));
        try
        {
            var transcript = new ChatTranscript();
            transcript.Begin("hello").Finish(null);
            string path = MarkdownTranscript.Save(transcript, "tiny", folder, new DateTimeOffset(2026, 11, 28, 17, 5, 9, TimeSpan.Zero));

            Assert.Equal(Path.Combine(folder, "edgellm-chat-20261128-170509.md"), path);
            Assert.Contains("## You\n\nhello\n", File.ReadAllText(path), StringComparison.Ordinal);
            Assert.Equal([path], Directory.GetFiles(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

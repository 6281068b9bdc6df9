using EdgeLLM.Runtime.Chat;
using EdgeLLM.Tui.Conversation;

namespace EdgeLLM.Tui.Tests.Conversation;

public sealed class ConversationLayoutTests
{
    [Fact]
    public void FencedCodeIsNeitherWrappedNorReflowed()
    {
        const string longCode = "    var result = Enumerable.Range(0, 100).Select(index => index * index).Where(square => square % 3 == 0).ToList();";
        var lines = new List<DisplayLine>();
        ConversationLayout.AppendBody(lines, $"Here is code:\n```csharp\n{longCode}\n```\nDone.", 40, LineStyle.Answer, LineStyle.Code);

        Assert.Equal(
            [
                new DisplayLine("Here is code:", LineStyle.Answer),
                new DisplayLine("```csharp", LineStyle.Code),
                new DisplayLine(longCode, LineStyle.Code),
                new DisplayLine("```", LineStyle.Code),
                new DisplayLine("Done.", LineStyle.Answer),
            ],
            lines);
    }

    [Fact]
    public void TabsBecomeSpacesAndControlCharactersAVisibleMark()
    {
        var lines = new List<DisplayLine>();
        // A model can write an escape sequence or a bell: drawn raw, the terminal would act on it.
        ConversationLayout.AppendBody(lines, "name\tvalue \u001b[31mred\u0007\n```\n\tindented\n```", 40, LineStyle.Answer, LineStyle.Code);

        Assert.Equal(
            [
                new DisplayLine("name    value \uFFFD[31mred\uFFFD", LineStyle.Answer),
                new DisplayLine("```", LineStyle.Code),
                new DisplayLine("    indented", LineStyle.Code),
                new DisplayLine("```", LineStyle.Code),
            ],
            lines);
    }

    [Fact]
    public void RightToLeftParagraphsAreWrappedWholeWordsAndRightAligned()
    {
        var lines = new List<DisplayLine>();
        ConversationLayout.AppendBody(lines, "السلام عليكم ورحمة الله وبركاته", 20, LineStyle.Answer, LineStyle.Code);

        Assert.Equal(2, lines.Count);
        Assert.All(lines, line => Assert.Equal(20, line.Text.Length));
        // Logical rows "السلام عليكم ورحمة" and "الله وبركاته", each in visual order at the right edge.
        Assert.Equal("  " + "ةمحرو مكيلع مالسلا", lines[0].Text);
        Assert.Equal("        " + "هتاكربو هللا", lines[1].Text);
    }

    [Fact]
    public void ReasoningIsShownWhileThinkingAndCollapsedOnceTheAnswerStarts()
    {
        var transcript = new ChatTranscript();
        ConversationTurn turn = transcript.Begin("why?");
        turn.Append(new ChatStreamEvent(ReplyPart.Reasoning, "Let me think about it."));

        List<DisplayLine> thinking = ConversationLayout.Build(transcript, 60);
        Assert.Contains(new DisplayLine("[-] Thinking (Ctrl+T hides)", LineStyle.ReasoningHeader), thinking);
        Assert.Contains(new DisplayLine("Let me think about it.", LineStyle.Reasoning), thinking);

        turn.Append(new ChatStreamEvent(ReplyPart.Answer, "Because."));
        List<DisplayLine> answering = ConversationLayout.Build(transcript, 60);
        Assert.Equal(
            [
                new DisplayLine("> why?", LineStyle.User),
                new DisplayLine("[+] Thinking, 5 words (Ctrl+T shows)", LineStyle.ReasoningHeader),
                new DisplayLine("Because.", LineStyle.Answer),
                new DisplayLine(string.Empty, LineStyle.Answer),
            ],
            answering);

        transcript.ShowReasoning = true;
        Assert.Contains(new DisplayLine("Let me think about it.", LineStyle.Reasoning), ConversationLayout.Build(transcript, 60));
    }

    [Fact]
    public void AStoppedTurnKeepsItsTextAndDropsLatePieces()
    {
        var transcript = new ChatTranscript();
        ConversationTurn turn = transcript.Begin("count");
        Assert.True(turn.Append(new ChatStreamEvent(ReplyPart.Answer, "one two")));
        Assert.True(turn.Stop());
        Assert.False(turn.Append(new ChatStreamEvent(ReplyPart.Answer, " three")));
        turn.Finish(null);

        TurnSnapshot snapshot = turn.Snapshot();
        Assert.Equal("one two", snapshot.Answer);
        Assert.Equal(TurnState.Stopped, snapshot.State);
        Assert.Contains(new DisplayLine("[stopped]", LineStyle.Note), ConversationLayout.Build(transcript, 60));
    }

    [Fact]
    public void TheCacheGivesTheSameRowsAndReusesUnchangedTurns()
    {
        var transcript = new ChatTranscript();
        ConversationTurn done = transcript.Begin("first");
        done.Append(new ChatStreamEvent(ReplyPart.Answer, "An answer long enough to wrap over a few rows of a narrow window."));
        done.Finish(null);
        ConversationTurn streaming = transcript.Begin("second");
        var cache = new TurnLayoutCache();

        Assert.Equal(ConversationLayout.Build(transcript, 20), ConversationLayout.Build(transcript, 20, cache));
        IReadOnlyList<DisplayLine> doneRows = cache.Rows(done, showReasoning: false, 20);

        streaming.Append(new ChatStreamEvent(ReplyPart.Answer, "more text"));
        Assert.Equal(ConversationLayout.Build(transcript, 20), ConversationLayout.Build(transcript, 20, cache));
        Assert.Same(doneRows, cache.Rows(done, showReasoning: false, 20));
        Assert.NotSame(doneRows, cache.Rows(done, showReasoning: false, 30));
        Assert.Equal(ConversationLayout.Build(transcript, 30), ConversationLayout.Build(transcript, 30, cache));
    }

    [Fact]
    public void ARightToLeftUserMessageIsShownInReadingOrderAfterThePrompt()
    {
        var lines = new List<DisplayLine>();
        ConversationLayout.AppendTurn(lines, new TurnSnapshot("كيف حالك؟", string.Empty, "بخير", TurnState.Finished, null, 1), showReasoning: false, 20);

        Assert.Equal(new DisplayLine("> ؟كلاح فيك", LineStyle.User), lines[0]);
        Assert.Equal(new DisplayLine(new string(' ', 16) + "ريخب", LineStyle.Answer), lines[1]);
    }
}
